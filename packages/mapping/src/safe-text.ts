/**
 * Mapping text shown to people: messages quote what the file says, and the file may hold anything.
 * Control characters (which a terminal would obey: clear the screen, set the window title, colour)
 * and the bidirectional overrides (which reorder what is shown) are written as `\uXXXX` escapes,
 * and long excerpts are cut.
 */

/** C0 and C1 control characters, DEL, and the bidirectional embedding/override/isolate marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Characters of mapping text a message quotes before it cuts the excerpt short. */
export const MAX_QUOTED_CHARACTERS = 40;

/** Longest message or expected text an issue carries (a safety net: excerpts are cut before). */
export const MAX_MESSAGE_CHARACTERS = 2000;

/** The text with each control character written as a `\uXXXX` escape (line breaks too, unless kept). */
export function escapeControlCharacters(
  text: string,
  options: { readonly keepLineBreaks?: boolean } = {},
): string {
  return text.replace(UNSAFE_CHARACTERS, (character) =>
    character === '\n' && options.keepLineBreaks === true
      ? character
      : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Mapping text quoted for a message: `"boiler"`; control characters escaped; a long text cut to
 * its start with its length: `"nnnn..." (5000 characters)`.
 */
export function quote(text: string): string {
  if (text.length <= MAX_QUOTED_CHARACTERS) return escapeControlCharacters(JSON.stringify(text));
  const start = escapeControlCharacters(JSON.stringify(text.slice(0, MAX_QUOTED_CHARACTERS)));
  return `${start.slice(0, -1)}..." (${text.length} characters)`;
}

/** A whole message made safe to print: escaped, and cut at MAX_MESSAGE_CHARACTERS. */
export function safeMessage(text: string): string {
  const escaped = escapeControlCharacters(text);
  if (escaped.length <= MAX_MESSAGE_CHARACTERS) return escaped;
  return `${escaped.slice(0, MAX_MESSAGE_CHARACTERS)}... (${escaped.length - MAX_MESSAGE_CHARACTERS} more characters)`;
}
