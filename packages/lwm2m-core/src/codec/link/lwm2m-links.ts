import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { LwM2mPath, MAX_ID } from '../../model/path.js';
import type { DecodeLimits } from '../codec-types.js';
import {
  type CoreLink,
  findLinkAttribute,
  formatLinkFormat,
  type LinkAttribute,
  linkAttribute,
  linkAttributeText,
  parseLinkFormat,
} from './link-format.js';

/**
 * Typed LwM2M views of link-format payloads (Core TS §6.2.1 Register/Update, §5.4/§6.3.2 Discover,
 * Gateway TS: /25/x/3 "IoT Device Objects" uses the Register syntax without the root link).
 */

/** The notification attributes a Discover answer shows (numbers; LwM2M 1.1 §5.1.2). */
export interface LinkObservationAttributes {
  readonly pmin?: number | undefined;
  readonly pmax?: number | undefined;
  readonly gt?: number | undefined;
  readonly lt?: number | undefined;
  readonly st?: number | undefined;
  readonly epmin?: number | undefined;
  readonly epmax?: number | undefined;
}

/** One Discover link. Paths never carry a gateway prefix (a Discover under a prefix omits it). */
export interface ObjectLinkEntry {
  readonly path: LwM2mPath;
  /** Object version "X.Y" (`ver`), normally on object links. */
  readonly version?: string | undefined;
  /** Number of instances of a multiple resource (`dim`). */
  readonly dim?: number | undefined;
  readonly attributes: LinkObservationAttributes;
  /** Any other attribute (ssid, uri, lwm2m, edge, con, hqmax...), in wire order. */
  readonly otherAttributes?: readonly LinkAttribute[] | undefined;
}

/** One object of a Register/Update list: its instances, and its version when not the default. */
export interface RegistrationObject {
  readonly id: number;
  readonly version?: string | undefined;
  readonly instances: readonly number[];
}

export interface RegistrationLinksInput {
  /** Alternate path (e.g. "/lwm2m"), or "/" for an explicit root link. Default: none. */
  readonly rootPath?: string | undefined;
  /** Content formats advertised on the root link (`ct`), e.g. [110, 112]. */
  readonly contentFormats?: readonly number[] | undefined;
  readonly objects: readonly RegistrationObject[];
}

export interface RegistrationLinks {
  /** "/" unless the client registered an alternate path. */
  readonly rootPath: string;
  readonly contentFormats: readonly number[];
  readonly objects: readonly RegistrationObject[];
}

const VERSION_RE = /^\d{1,5}\.\d{1,5}$/;
const UINT_RE = /^\d{1,15}$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ROOT_SEGMENT_RE = /^[A-Za-z0-9\-._~]+$/;
/** Objects a client never lists in Register/Update (Core §6.2.1): Security and OSCORE. */
const NEVER_REGISTERED = new Set([0, 21]);

const INTEGER_ATTRIBUTES = ['pmin', 'pmax', 'epmin', 'epmax'] as const;
const NUMBER_ATTRIBUTES = ['gt', 'lt', 'st'] as const;
const OBSERVATION_ATTRIBUTES = ['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax'] as const;
const TYPED_ATTRIBUTES = new Set<string>(['ver', 'dim', ...OBSERVATION_ATTRIBUTES]);

function invalidInput(message: string, details: Record<string, unknown> = {}): CodedError {
  return new CodedError('NODE_INVALID', message, { details });
}

function malformed(message: string, link?: CoreLink): CodedError {
  return new CodedError('CODEC_MALFORMED', `link-format: ${message}`, {
    details: link === undefined ? {} : { uri: link.uri.slice(0, 80) },
  });
}

/** Validates an alternate path: "/" or "/seg[/seg...]" with non-numeric segments (Transport §6.4.1). */
function checkedRootPath(root: string, fail: (message: string) => CodedError): string {
  if (root === '/' || root === '') return '/';
  const trimmed = root.endsWith('/') ? root.slice(0, -1) : root;
  const segments = trimmed.split('/');
  if (
    segments[0] !== '' ||
    segments.length < 2 ||
    segments.slice(1).some((s) => !ROOT_SEGMENT_RE.test(s) || /^\d+$/.test(s))
  ) {
    throw fail(
      `alternate path ${JSON.stringify(root.slice(0, 80))} must look like "/lwm2m" with non-numeric segments`,
    );
  }
  return trimmed;
}

function joinRoot(root: string, path: string): string {
  return root === '/' ? path : `${root}${path}`;
}

function checkedId(id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new CodedError('PATH_INVALID', `${what} ${id} is out of range 0..${MAX_ID}`);
  }
  return id;
}

/**
 * Register/Update payload: optional root link (`</>;rt="oma.lwm2m";ct="110 112"`, emitted when a
 * root path or content formats are given), then per object an object link when it has no
 * instances or carries `ver`, followed by one link per instance. /0 and /21 are refused.
 */
export function formatRegistrationLinks(input: RegistrationLinksInput): string {
  const links: CoreLink[] = [];
  const root = input.rootPath === undefined ? '/' : checkedRootPath(input.rootPath, (m) => invalidInput(m));
  const formats = input.contentFormats ?? [];
  for (const ct of formats) {
    if (!Number.isInteger(ct) || ct < 0 || ct > 65535)
      throw invalidInput(`content format ${ct} is not 0..65535`);
  }
  if (input.rootPath !== undefined || formats.length > 0) {
    const attributes = [linkAttribute.quoted('rt', 'oma.lwm2m')];
    if (formats.length === 1) attributes.push(linkAttribute.token('ct', formats[0]!));
    if (formats.length > 1) attributes.push(linkAttribute.quoted('ct', formats.join(' ')));
    links.push({ uri: root, attributes });
  }
  const seen = new Set<number>();
  for (const obj of input.objects) {
    checkedId(obj.id, 'object id');
    if (NEVER_REGISTERED.has(obj.id)) {
      throw invalidInput(`object /${obj.id} must never be listed in Register or Update`, {
        objectId: obj.id,
      });
    }
    if (seen.has(obj.id)) throw invalidInput(`object /${obj.id} is listed twice`, { objectId: obj.id });
    seen.add(obj.id);
    if (obj.version !== undefined && !VERSION_RE.test(obj.version)) {
      throw invalidInput(`object /${obj.id} version ${JSON.stringify(obj.version)} is not "X.Y"`);
    }
    const instances = new Set<number>();
    for (const iid of obj.instances) {
      checkedId(iid, `instance id of /${obj.id}`);
      if (instances.has(iid)) throw invalidInput(`instance /${obj.id}/${iid} is listed twice`);
      instances.add(iid);
    }
    if (obj.version !== undefined || obj.instances.length === 0) {
      const attributes = obj.version === undefined ? [] : [linkAttribute.token('ver', obj.version)];
      links.push({ uri: joinRoot(root, `/${obj.id}`), attributes });
    }
    for (const iid of obj.instances) links.push({ uri: joinRoot(root, `/${obj.id}/${iid}`), attributes: [] });
  }
  return formatLinkFormat(links);
}

function isRootLink(link: CoreLink): boolean {
  const rt = findLinkAttribute(link, 'rt');
  const types = rt === undefined ? undefined : linkAttributeText(rt.value)?.split(/\s+/);
  return types?.includes('oma.lwm2m') === true || (rt === undefined && link.uri === '/');
}

function parseContentFormats(link: CoreLink): number[] {
  const ct = findLinkAttribute(link, 'ct');
  if (ct === undefined) return [];
  const text = linkAttributeText(ct.value);
  const parts = text === undefined ? [] : text.trim().split(/\s+/);
  return parts.map((p) => {
    const n = UINT_RE.test(p) ? Number(p) : Number.NaN;
    if (!(n >= 0 && n <= 65535))
      throw malformed(`ct value ${JSON.stringify(p.slice(0, 20))} is not 0..65535`, link);
    return n;
  });
}

function parseVersion(link: CoreLink): string | undefined {
  const ver = findLinkAttribute(link, 'ver');
  if (ver === undefined) return undefined;
  const text = linkAttributeText(ver.value);
  if (text === undefined || !VERSION_RE.test(text)) {
    throw malformed(`ver ${JSON.stringify(text?.slice(0, 20) ?? '')} is not "X.Y"`, link);
  }
  return text;
}

/** LwM2M path of a link target (no prefix), as CODEC_MALFORMED on failure. */
function linkPath(uri: string, link: CoreLink): LwM2mPath {
  try {
    return LwM2mPath.parse(uri, { allowPrefix: false });
  } catch (err) {
    if (isCodedError(err))
      throw malformed(`link target ${JSON.stringify(uri.slice(0, 80))}: ${err.message}`, link);
    throw err;
  }
}

/**
 * Server side of Register/Update (and /25/x/3 values): the root link (rt="oma.lwm2m", possibly an
 * alternate path, or a plain `</>`) gives rootPath and contentFormats; every other link must be an
 * object or instance below the root. `ver` is taken from the object link or an instance link
 * (consistent values only). Unknown attributes are ignored (Core §6.2.1).
 */
export function parseRegistrationLinks(
  input: string | Uint8Array,
  limits?: Partial<DecodeLimits>,
): RegistrationLinks {
  const links = parseLinkFormat(input, limits);
  const roots = links.filter(isRootLink);
  if (roots.length > 1) throw malformed('more than one root link (rt="oma.lwm2m")');
  const rootLink = roots[0];
  const rootPath =
    rootLink === undefined ? '/' : checkedRootPath(rootLink.uri, (m) => malformed(m, rootLink));
  const contentFormats = rootLink === undefined ? [] : parseContentFormats(rootLink);
  const objects = new Map<number, { version: string | undefined; instances: number[]; linked: boolean }>();
  const seenInstances = new Set<string>();
  for (const link of links) {
    if (link === rootLink) continue;
    if (rootPath !== '/' && !link.uri.startsWith(`${rootPath}/`)) {
      throw malformed(`link target is not below the alternate path ${rootPath}`, link);
    }
    const path = linkPath(rootPath === '/' ? link.uri : link.uri.slice(rootPath.length), link);
    if (path.level !== 'object' && path.level !== 'instance') {
      throw malformed(`${path} is not an object or object instance`, link);
    }
    const oid = path.objectId!;
    const entry = objects.get(oid) ?? { version: undefined, instances: [], linked: false };
    objects.set(oid, entry);
    const version = parseVersion(link);
    if (version !== undefined) {
      if (entry.version !== undefined && entry.version !== version) {
        throw malformed(`object /${oid} has two versions (${entry.version}, ${version})`, link);
      }
      entry.version = version;
    }
    if (path.level === 'object') {
      if (entry.linked) throw malformed(`object /${oid} is linked twice`, link);
      entry.linked = true;
    } else {
      const key = path.toString();
      if (seenInstances.has(key)) throw malformed(`${key} is linked twice`, link);
      seenInstances.add(key);
      entry.instances.push(path.instanceId!);
    }
  }
  return {
    rootPath,
    contentFormats,
    objects: [...objects].map(([id, e]) =>
      e.version === undefined
        ? { id, instances: e.instances }
        : { id, version: e.version, instances: e.instances },
    ),
  };
}

function formatNumber(name: string, value: number, integer: boolean): LinkAttribute {
  if (!Number.isFinite(value) || (integer && (!Number.isSafeInteger(value) || value < 0))) {
    throw invalidInput(
      `attribute ${name}=${value} is not ${integer ? 'a non-negative integer' : 'a finite number'}`,
    );
  }
  return linkAttribute.token(name, String(value));
}

/** Discover answer: `</3303>;ver=1.1,</3303/0>;pmin=10,</3303/0/5700>;dim=...` in the order given. */
export function formatDiscoverLinks(entries: readonly ObjectLinkEntry[]): string {
  const links = entries.map((e): CoreLink => {
    if (e.path.prefix !== undefined) {
      throw new CodedError('PATH_INVALID', `Discover links carry no gateway prefix (got ${e.path})`);
    }
    const attributes: LinkAttribute[] = [];
    if (e.version !== undefined) {
      if (!VERSION_RE.test(e.version))
        throw invalidInput(`version ${JSON.stringify(e.version)} is not "X.Y"`);
      attributes.push(linkAttribute.token('ver', e.version));
    }
    if (e.dim !== undefined) {
      if (!Number.isInteger(e.dim) || e.dim < 0 || e.dim > 65535)
        throw invalidInput(`dim ${e.dim} is not 0..65535`);
      attributes.push(linkAttribute.token('dim', e.dim));
    }
    for (const name of OBSERVATION_ATTRIBUTES) {
      const v = e.attributes[name];
      if (v !== undefined) attributes.push(formatNumber(name, v, !NUMBER_ATTRIBUTES.some((n) => n === name)));
    }
    for (const a of e.otherAttributes ?? []) {
      if (TYPED_ATTRIBUTES.has(a.name.toLowerCase())) {
        throw invalidInput(`attribute ${a.name} must be given through its typed field`, { name: a.name });
      }
      attributes.push(a);
    }
    return { uri: e.path.toString(), attributes };
  });
  return formatLinkFormat(links);
}

function parseNumberAttribute(a: LinkAttribute, link: CoreLink): number {
  const text = linkAttributeText(a.value);
  const integer = INTEGER_ATTRIBUTES.some((n) => n === a.name.toLowerCase());
  const ok = text !== undefined && (integer ? UINT_RE.test(text) : NUMBER_RE.test(text));
  const n = ok ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) {
    throw malformed(`attribute ${a.name} needs ${integer ? 'a non-negative integer' : 'a number'}`, link);
  }
  return n;
}

/** Client/server side of Discover answers; paths must be plain LwM2M paths (no prefix). */
export function parseDiscoverLinks(
  input: string | Uint8Array,
  limits?: Partial<DecodeLimits>,
): ObjectLinkEntry[] {
  return parseLinkFormat(input, limits).map((link): ObjectLinkEntry => {
    const path = linkPath(link.uri, link);
    const attributes: Record<string, number> = {};
    const otherAttributes: LinkAttribute[] = [];
    let version: string | undefined;
    let dim: number | undefined;
    const typedSeen = new Set<string>();
    for (const a of link.attributes) {
      const name = a.name.toLowerCase();
      if (!TYPED_ATTRIBUTES.has(name)) {
        otherAttributes.push(a);
        continue;
      }
      if (typedSeen.has(name)) throw malformed(`attribute ${name} appears twice`, link);
      typedSeen.add(name);
      if (name === 'ver') {
        version = parseVersion(link);
      } else if (name === 'dim') {
        const text = linkAttributeText(a.value);
        const n = text !== undefined && UINT_RE.test(text) ? Number(text) : Number.NaN;
        if (!(n <= 65535)) throw malformed('dim needs an integer 0..65535', link);
        dim = n;
      } else {
        attributes[name] = parseNumberAttribute(a, link);
      }
    }
    return {
      path,
      ...(version === undefined ? {} : { version }),
      ...(dim === undefined ? {} : { dim }),
      attributes,
      otherAttributes,
    };
  });
}
