/** One Execute argument: `3` or `0='on'`. */
export interface ExecuteArgument {
  /** 0..9 */
  readonly id: number;
  /** The quoted text, or undefined for a bare digit. */
  readonly value: string | undefined;
}

export type ExecuteArguments = readonly ExecuteArgument[];

export type ExecuteArgumentsResult =
  | { readonly ok: true; readonly args: ExecuteArguments }
  | { readonly ok: false; readonly reason: string };

/** Largest argument list accepted, in characters. */
export const MAX_EXECUTE_ARGUMENTS_LENGTH = 4096;

/** CHAR = %x21 / %x23-26 / %x28-5B / %x5D-7E: printable ASCII but space, `"`, `'` and `\`. */
function isArgumentChar(code: number): boolean {
  return (
    code === 0x21 ||
    (code >= 0x23 && code <= 0x26) ||
    (code >= 0x28 && code <= 0x5b) ||
    (code >= 0x5d && code <= 0x7e)
  );
}

/**
 * Parses an Execute payload (Core TS 1.1 §5.4.5):
 *   arglist  = argument *( "," argument )
 *   argument = DIGIT [ "=" "'" *CHAR "'" ]
 * An empty payload has no arguments; each digit may appear once.
 */
export function parseExecuteArguments(text: string): ExecuteArgumentsResult {
  if (text.length === 0) return { ok: true, args: [] };
  if (text.length > MAX_EXECUTE_ARGUMENTS_LENGTH) {
    return { ok: false, reason: `arguments are longer than ${MAX_EXECUTE_ARGUMENTS_LENGTH} characters` };
  }
  const args: ExecuteArgument[] = [];
  const seen = new Set<number>();
  let i = 0;
  for (;;) {
    const code = text.charCodeAt(i);
    if (!(code >= 0x30 && code <= 0x39)) return { ok: false, reason: `expected a digit at offset ${i}` };
    const id = code - 0x30;
    if (seen.has(id)) return { ok: false, reason: `argument ${id} appears twice` };
    seen.add(id);
    i++;
    let value: string | undefined;
    if (text[i] === '=') {
      if (text[i + 1] !== "'") return { ok: false, reason: `expected "'" at offset ${i + 1}` };
      const start = i + 2;
      let end = start;
      while (end < text.length && text[end] !== "'") {
        if (!isArgumentChar(text.charCodeAt(end))) {
          return { ok: false, reason: `character at offset ${end} is not allowed in an argument value` };
        }
        end++;
      }
      if (end >= text.length) return { ok: false, reason: 'unterminated argument value' };
      value = text.slice(start, end);
      i = end + 1;
    }
    args.push({ id, value });
    if (i === text.length) return { ok: true, args };
    if (text[i] !== ',') return { ok: false, reason: `expected "," at offset ${i}` };
    i++;
  }
}
