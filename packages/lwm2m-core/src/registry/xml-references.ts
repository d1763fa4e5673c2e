/**
 * Decoding of the references XML itself defines: the five predefined entities and numeric
 * character references. Nothing else is expanded (DDF files never declare entities).
 */
const PREDEFINED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

const REFERENCE_RE = /&([^;&\s]{0,32});?/g;

export type DecodedText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reference: string };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function decodeReference(body: string): string | undefined {
  const named = PREDEFINED_ENTITIES.get(body);
  if (named !== undefined) return named;
  const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
  if (numeric === null) return undefined;
  const code = numeric[1] === undefined ? Number(numeric[2]) : Number.parseInt(numeric[1], 16);
  return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
}

/** Replaces `&lt;`, `&#60;`, `&#x3C;`... in character data; any other `&` is an error. */
export function decodeXmlReferences(raw: string): DecodedText {
  if (!raw.includes('&')) return { ok: true, text: raw };
  let failed: string | undefined;
  const text = raw.replace(REFERENCE_RE, (whole: string, body: string) => {
    const decoded = whole.endsWith(';') ? decodeReference(body) : undefined;
    if (decoded === undefined) {
      failed ??= whole;
      return whole;
    }
    return decoded;
  });
  return failed === undefined ? { ok: true, text } : { ok: false, reference: failed };
}
