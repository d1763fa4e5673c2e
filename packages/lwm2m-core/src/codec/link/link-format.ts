import { CodedError } from '@lwm2m-adapters/errors';
import { decodeUtf8, encodeUtf8 } from '@lwm2m-adapters/kit';
import type { DecodeLimits } from '../codec-types.js';
import { checkPayloadSize, resolveLimits } from '../limits.js';

/**
 * CoRE Link Format (RFC 6690, Content-Format 40) as LwM2M uses it: Register/Update payloads,
 * Discover answers and Corelnk values. `</3303/0>;pmin=10;ct="110 112";obs,</3303/1>`.
 *
 * Grammar accepted (RFC 6690 §2 with RFC 8288 link-extension):
 *   links      = OWS [ link *( OWS "," OWS link ) ] OWS
 *   link       = "<" URI-Reference ">" *( OWS ";" OWS param )
 *   param      = parmname [ "=" ( ptoken / quoted-string ) ]
 *   parmname   = 1*( ALPHA / DIGIT / "!#$&+-.^_`|~" ) [ "*" ]
 *   ptoken     = 1*( ALPHA / DIGIT / "!#$%&'()*+-./:<=>?@[]^_`{|}~" )
 *   quoted-string = DQUOTE *( qdtext / "\" char ) DQUOTE
 * OWS (spaces, tabs, CR, LF) is tolerated only around "," and ";" and at both ends; everything else
 * is strict and reported as CODEC_MALFORMED with the offset (in characters) where parsing stopped.
 */
export type LinkAttributeValue =
  | { readonly kind: 'flag' }
  | { readonly kind: 'token'; readonly value: string }
  | { readonly kind: 'quoted'; readonly value: string };

export interface LinkAttribute {
  readonly name: string;
  readonly value: LinkAttributeValue;
}

/** One link: its target and its attributes in wire order (names may repeat). */
export interface CoreLink {
  readonly uri: string;
  readonly attributes: readonly LinkAttribute[];
}

/** Attribute constructors: `linkAttribute.token('pmin', 10)`, `linkAttribute.quoted('rt', 'oma.lwm2m')`. */
export const linkAttribute = {
  flag: (name: string): LinkAttribute => ({ name, value: { kind: 'flag' } }),
  token: (name: string, value: string | number): LinkAttribute => ({
    name,
    value: { kind: 'token', value: String(value) },
  }),
  quoted: (name: string, value: string): LinkAttribute => ({ name, value: { kind: 'quoted', value } }),
} as const;

/** First attribute with this name (names compare case-insensitively, RFC 8288 §3). */
export function findLinkAttribute(link: CoreLink, name: string): LinkAttribute | undefined {
  const wanted = name.toLowerCase();
  return link.attributes.find((a) => a.name.toLowerCase() === wanted);
}

/** The text of a token or quoted value; undefined for a bare flag. */
export function linkAttributeText(value: LinkAttributeValue): string | undefined {
  return value.kind === 'flag' ? undefined : value.value;
}

const PARMNAME_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;
const PTOKEN_CHAR = /[A-Za-z0-9!#$%&'()*+\-./:<=>?@[\]^_`{|}~]/;
/** RFC 3986 URI-reference characters (unreserved, reserved and "%"). */
const URI_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;
const OWS = new Set([' ', '\t', '\r', '\n']);

const PARMNAME_RE = /^[A-Za-z0-9!#$&+\-.^_`|~]+\*?$/;
const PTOKEN_RE = /^[A-Za-z0-9!#$%&'()*+\-./:<=>?@[\]^_`{|}~]+$/;

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && ch !== '\t') || code === 0x7f;
}

function checkUri(uri: string, fail: (message: string, offset: number) => CodedError, start: number): void {
  for (let i = 0; i < uri.length; i++) {
    const ch = uri[i]!;
    if (!URI_CHAR.test(ch))
      throw fail(`character ${JSON.stringify(ch)} is not allowed in a link target`, start + i);
    if (ch === '%' && !HEX2.test(uri.slice(i + 1, i + 3))) {
      throw fail('"%" in a link target must start a %XX escape', start + i);
    }
  }
}

class LinkParser {
  #pos = 0;
  readonly #links: CoreLink[] = [];
  #attributeCount = 0;

  constructor(
    private readonly text: string,
    private readonly limits: DecodeLimits,
  ) {}

  parse(): CoreLink[] {
    this.#skipOws();
    if (this.#pos === this.text.length) return this.#links;
    for (;;) {
      this.#links.push(this.#link());
      if (this.#links.length > this.limits.maxEntries) throw this.#limit('links');
      this.#skipOws();
      if (this.#pos === this.text.length) return this.#links;
      this.#expect(',', "',' between links or ';' before an attribute");
      this.#skipOws();
    }
  }

  #link(): CoreLink {
    this.#expect('<', "'<' opening a link");
    const start = this.#pos;
    const end = this.text.indexOf('>', start);
    if (end < 0) throw this.#fail("link target is not closed with '>'", start - 1);
    const uri = this.text.slice(start, end);
    checkUri(uri, (m, o) => this.#fail(m, o), start);
    this.#pos = end + 1;
    const attributes: LinkAttribute[] = [];
    for (;;) {
      const before = this.#pos;
      this.#skipOws();
      if (this.text[this.#pos] !== ';') {
        this.#pos = before;
        return { uri, attributes };
      }
      this.#pos++;
      this.#skipOws();
      attributes.push(this.#attribute());
      this.#attributeCount++;
      if (this.#attributeCount > this.limits.maxEntries) throw this.#limit('attributes');
    }
  }

  #attribute(): LinkAttribute {
    const start = this.#pos;
    while (this.#pos < this.text.length && PARMNAME_CHAR.test(this.text[this.#pos]!)) this.#pos++;
    if (this.text[this.#pos] === '*' && this.#pos > start) this.#pos++;
    if (this.#pos === start) throw this.#fail('expected an attribute name', start);
    const name = this.text.slice(start, this.#pos);
    if (this.text[this.#pos] !== '=') return { name, value: { kind: 'flag' } };
    this.#pos++;
    if (this.text[this.#pos] === '"') return { name, value: { kind: 'quoted', value: this.#quoted() } };
    const valueStart = this.#pos;
    while (this.#pos < this.text.length && PTOKEN_CHAR.test(this.text[this.#pos]!)) this.#pos++;
    if (this.#pos === valueStart) throw this.#fail(`attribute ${name} has '=' but no value`, valueStart);
    return { name, value: { kind: 'token', value: this.text.slice(valueStart, this.#pos) } };
  }

  #quoted(): string {
    const open = this.#pos;
    this.#pos++;
    let out = '';
    while (this.#pos < this.text.length) {
      const ch = this.text[this.#pos]!;
      if (ch === '"') {
        this.#pos++;
        return out;
      }
      if (ch === '\\') {
        const next = this.text[this.#pos + 1];
        if (next === undefined) break;
        if (isControl(next)) throw this.#fail('control character escaped in a quoted string', this.#pos + 1);
        out += next;
        this.#pos += 2;
        continue;
      }
      if (isControl(ch)) throw this.#fail('control character in a quoted string', this.#pos);
      out += ch;
      this.#pos++;
    }
    throw this.#fail('quoted string is not closed', open);
  }

  #skipOws(): void {
    while (this.#pos < this.text.length && OWS.has(this.text[this.#pos]!)) this.#pos++;
  }

  #expect(ch: string, what: string): void {
    if (this.text[this.#pos] !== ch) throw this.#fail(`expected ${what}`, this.#pos);
    this.#pos++;
  }

  #fail(message: string, offset: number): CodedError {
    const found =
      offset < this.text.length ? JSON.stringify(this.text.slice(offset, offset + 12)) : 'end of input';
    return new CodedError('CODEC_MALFORMED', `link-format: ${message} at offset ${offset} (found ${found})`, {
      details: { offset },
    });
  }

  #limit(what: string): CodedError {
    return new CodedError(
      'CODEC_LIMIT_EXCEEDED',
      `link-format payload has more than ${this.limits.maxEntries} ${what}`,
      {
        details: { limit: this.limits.maxEntries },
      },
    );
  }
}

/** Parses link-format text or UTF-8 bytes. Throws CODEC_MALFORMED or CODEC_LIMIT_EXCEEDED. */
export function parseLinkFormat(input: string | Uint8Array, limits?: Partial<DecodeLimits>): CoreLink[] {
  const resolved = resolveLimits(limits);
  let text: string;
  if (typeof input === 'string') {
    if (
      input.length > resolved.maxPayloadBytes ||
      Buffer.byteLength(input, 'utf8') > resolved.maxPayloadBytes
    ) {
      throw new CodedError(
        'CODEC_LIMIT_EXCEEDED',
        `link-format text exceeds the limit of ${resolved.maxPayloadBytes} bytes`,
        { details: { limit: resolved.maxPayloadBytes } },
      );
    }
    text = input;
  } else {
    checkPayloadSize(input, resolved, 'link-format');
    text = decodeUtf8(input, 'link-format payload');
  }
  return new LinkParser(text, resolved).parse();
}

function formatError(message: string, details: Record<string, unknown>): CodedError {
  return new CodedError('CODEC_MALFORMED', `cannot format link-format: ${message}`, { details });
}

function formatAttribute(a: LinkAttribute): string {
  if (!PARMNAME_RE.test(a.name)) {
    throw formatError(`attribute name ${JSON.stringify(a.name.slice(0, 40))} is not a valid parmname`, {
      name: a.name.slice(0, 40),
    });
  }
  switch (a.value.kind) {
    case 'flag':
      return `;${a.name}`;
    case 'token':
      if (!PTOKEN_RE.test(a.value.value)) {
        throw formatError(`value of ${a.name} is not a token; use a quoted value`, { name: a.name });
      }
      return `;${a.name}=${a.value.value}`;
    case 'quoted': {
      const v = a.value.value;
      for (const ch of v) {
        if (isControl(ch))
          throw formatError(`value of ${a.name} holds a control character`, { name: a.name });
      }
      return `;${a.name}="${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    }
  }
}

/** Serializes links without any optional whitespace; throws CODEC_MALFORMED for unrepresentable input. */
export function formatLinkFormat(links: readonly CoreLink[]): string {
  return links
    .map((link) => {
      checkUri(link.uri, (message) => formatError(message, { uri: link.uri.slice(0, 80) }), 0);
      return `<${link.uri}>${link.attributes.map(formatAttribute).join('')}`;
    })
    .join(',');
}

/** Content-Format 40 bytes of a link list. */
export function encodeLinks(links: readonly CoreLink[]): Uint8Array {
  return encodeUtf8(formatLinkFormat(links), 'link-format payload');
}

/** Link list of Content-Format 40 bytes. */
export function decodeLinks(payload: Uint8Array, limits?: Partial<DecodeLimits>): CoreLink[] {
  return parseLinkFormat(payload, limits);
}
