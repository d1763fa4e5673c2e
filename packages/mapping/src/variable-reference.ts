/** A piece of a string that may hold `${NAME}` / `${NAME:-default}` references. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'reference'; readonly name: string; readonly fallback: string | undefined };

export type ParsedTemplate =
  | { readonly ok: true; readonly parts: readonly TemplatePart[] }
  | { readonly ok: false; readonly message: string };

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits text into literal parts and variable references: `${NAME}`, `${NAME:-default}` (the default
 * is used when the variable is unset or empty) and `$${` for a literal `${`.
 */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      literal += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) {
      return { ok: false, message: `unterminated reference ${JSON.stringify(text.slice(i, i + 40))}` };
    }
    const body = text.slice(i + 2, end);
    const separator = body.indexOf(':-');
    const name = separator < 0 ? body : body.slice(0, separator);
    if (!NAME_RE.test(name)) {
      return {
        ok: false,
        message: `reference ${JSON.stringify(text.slice(i, end + 1).slice(0, 60))} is not a variable name`,
      };
    }
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
    parts.push({ kind: 'reference', name, fallback: separator < 0 ? undefined : body.slice(separator + 2) });
    i = end + 1;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return { ok: true, parts };
}
