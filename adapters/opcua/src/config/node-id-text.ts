/**
 * OPC UA NodeIds as a mapping writes them (the standard string form, Part 6 §5.3.1.10):
 * `i=2258`, `ns=2;i=5` (numeric), `ns=2;s=Boiler1.Temperature` (string),
 * `ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a` (GUID), `ns=2;b=M/RbKBsRVkePCePcx24oRA==` (opaque,
 * base64). `nsu=<namespace URI>;…` names the namespace by URI instead of index. Parsed here without
 * node-opcua, so that validating a mapping does not load it.
 */
export type NodeIdIdentifier =
  | { readonly type: 'numeric'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'guid'; readonly value: string }
  | { readonly type: 'opaque'; readonly value: string };

export interface ParsedNodeId {
  /** Namespace index (0 when neither `ns` nor `nsu` is given). */
  readonly namespaceIndex: number;
  /** Namespace URI, when written as `nsu=`; resolved to an index against the server at start. */
  readonly namespaceUri?: string;
  readonly identifier: NodeIdIdentifier;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses a NodeId's text form; returns an explanation of what would be valid when it is not one. */
export function parseNodeIdText(text: string): ParsedNodeId | { readonly error: string } {
  let rest = text.trim();
  let namespaceIndex = 0;
  let namespaceUri: string | undefined;
  const ns = /^ns=(\d+);/.exec(rest);
  const nsu = /^nsu=([^;]+);/.exec(rest);
  if (ns !== null) {
    namespaceIndex = Number(ns[1]);
    if (namespaceIndex > 65535) return { error: `namespace index ${namespaceIndex} is above 65535` };
    rest = rest.slice(ns[0].length);
  } else if (nsu !== null) {
    namespaceUri = nsu[1];
    rest = rest.slice(nsu[0].length);
  }
  const kind = rest.slice(0, 2);
  const value = rest.slice(2);
  const expected =
    'expected a NodeId such as "ns=2;i=5", "ns=2;s=Boiler1.Temperature", "ns=2;g=<GUID>" or "ns=2;b=<base64>"';
  const withNs = (identifier: NodeIdIdentifier): ParsedNodeId => ({
    namespaceIndex,
    ...(namespaceUri === undefined ? {} : { namespaceUri }),
    identifier,
  });
  switch (kind) {
    case 'i=': {
      if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff)
        return { error: `"${text}": a numeric identifier is an integer 0..4294967295; ${expected}` };
      return withNs({ type: 'numeric', value: Number(value) });
    }
    case 's=':
      if (value.length === 0) return { error: `"${text}": the string identifier is empty; ${expected}` };
      if (value.length > 4096) return { error: `"${text}": a string identifier has at most 4096 characters` };
      return withNs({ type: 'string', value });
    case 'g=':
      if (!GUID_RE.test(value))
        return { error: `"${text}": "${value}" is not a GUID (8-4-4-4-12 hex digits)` };
      return withNs({ type: 'guid', value: value.toLowerCase() });
    case 'b=':
      if (value.length === 0 || !BASE64_RE.test(value))
        return { error: `"${text}": an opaque identifier is base64 text; ${expected}` };
      return withNs({ type: 'opaque', value });
    default:
      return { error: `"${text}": ${expected}` };
  }
}

/** The canonical text form of a parsed NodeId. */
export function formatNodeId(id: ParsedNodeId): string {
  const prefix =
    id.namespaceUri !== undefined
      ? `nsu=${id.namespaceUri};`
      : id.namespaceIndex === 0
        ? ''
        : `ns=${id.namespaceIndex};`;
  const letter = { numeric: 'i', string: 's', guid: 'g', opaque: 'b' }[id.identifier.type];
  return `${prefix}${letter}=${id.identifier.value}`;
}

/**
 * A browse path: qualified names from a starting node (default the Objects folder, `i=85`), written
 * `2:Boiler1/2:Temperature` (namespace index, colon, browse name; segments separated by `/`). A `/`
 * or `\` inside a name is escaped with `\`.
 */
export interface ParsedBrowsePath {
  readonly segments: readonly { readonly namespaceIndex: number; readonly name: string }[];
}

export function parseBrowsePathText(text: string): ParsedBrowsePath | { readonly error: string } {
  const segments: { namespaceIndex: number; name: string }[] = [];
  let current = '';
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (c === '/') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  if (parts[0] === '') parts.shift();
  if (parts.length === 0)
    return { error: 'a browse path has at least one segment, e.g. "2:Boiler1/2:Temperature"' };
  for (const part of parts) {
    const m = /^(\d+):(.+)$/s.exec(part);
    if (m === null)
      return {
        error: `browse path segment "${part}" must be <namespace index>:<browse name>, e.g. "2:Temperature"`,
      };
    const namespaceIndex = Number(m[1]);
    if (namespaceIndex > 65535)
      return { error: `browse path segment "${part}": namespace index above 65535` };
    segments.push({ namespaceIndex, name: m[2] as string });
  }
  return { segments };
}
