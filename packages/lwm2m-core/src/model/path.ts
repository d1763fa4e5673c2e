import { CodedError } from '@lwm2m-adapters/errors';

/** Largest object/instance/resource id (65535 is reserved, e.g. "no instance id" in Create). */
export const MAX_ID = 65534;
export const MAX_PREFIX_LENGTH = 64;

export type PathLevel = 'root' | 'object' | 'instance' | 'resource' | 'resource-instance';

const PREFIX_RE = /^[A-Za-z0-9_.~-]+$/;
const DIGITS_RE = /^\d+$/;

/** True when `segment` may be a gateway prefix: unreserved URI characters, not purely numeric. */
export function isValidPrefix(segment: string): boolean {
  return (
    segment.length > 0 &&
    segment.length <= MAX_PREFIX_LENGTH &&
    PREFIX_RE.test(segment) &&
    !DIGITS_RE.test(segment)
  );
}

export function assertValidPrefix(segment: string): void {
  if (!isValidPrefix(segment)) {
    throw new CodedError(
      'PREFIX_INVALID',
      `gateway prefix ${JSON.stringify(segment.slice(0, 80))} is invalid: use 1-${MAX_PREFIX_LENGTH} characters of [A-Za-z0-9_.~-] with at least one non-digit (e.g. "dev0")`,
      { details: { prefix: segment.slice(0, 80) } },
    );
  }
}

function checkId(id: number, what: string, source?: string): number {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new CodedError(
      'PATH_INVALID',
      `${what} ${id} is out of range: ids are integers 0..${MAX_ID}${source ? ` (in ${JSON.stringify(source.slice(0, 80))})` : ''}`,
    );
  }
  return id;
}

export interface PathParts {
  readonly prefix?: string | undefined;
  readonly objectId?: number | undefined;
  readonly instanceId?: number | undefined;
  readonly resourceId?: number | undefined;
  readonly resourceInstanceId?: number | undefined;
}

export interface ParsePathOptions {
  /**
   * Alternate path the client registered (e.g. "/lwm2m"); when set, a path must start with it
   * and it is stripped. Default: none.
   */
  readonly alternatePath?: string;
  /** Whether a gateway prefix segment is accepted. Default true. */
  readonly allowPrefix?: boolean;
}

/**
 * An LwM2M path: `/`, `/o`, `/o/i`, `/o/i/r`, `/o/i/r/ri`, optionally under a gateway prefix
 * (`/dev0/3303/0/5700`). Immutable; compare with `equals` or `toString()`.
 */
export class LwM2mPath {
  readonly prefix: string | undefined;
  readonly objectId: number | undefined;
  readonly instanceId: number | undefined;
  readonly resourceId: number | undefined;
  readonly resourceInstanceId: number | undefined;
  #text: string | undefined;

  constructor(parts: PathParts = {}) {
    const { prefix, objectId, instanceId, resourceId, resourceInstanceId } = parts;
    if (prefix !== undefined) assertValidPrefix(prefix);
    const ids = [objectId, instanceId, resourceId, resourceInstanceId];
    const names = ['object id', 'instance id', 'resource id', 'resource instance id'];
    let seenUndefined = false;
    ids.forEach((id, i) => {
      if (id === undefined) {
        seenUndefined = true;
        return;
      }
      if (seenUndefined) {
        throw new CodedError('PATH_INVALID', `${names[i]} given without the ids before it`);
      }
      checkId(id, names[i] ?? 'id');
    });
    this.prefix = prefix;
    this.objectId = objectId;
    this.instanceId = instanceId;
    this.resourceId = resourceId;
    this.resourceInstanceId = resourceInstanceId;
    Object.freeze(this);
  }

  static readonly ROOT = new LwM2mPath();

  /** Parses `/3303/0/5700`, `/dev0/3303/0`, `/` (leading slash optional, no trailing slash except root). */
  static parse(text: string, options: ParsePathOptions = {}): LwM2mPath {
    if (typeof text !== 'string') throw new CodedError('PATH_INVALID', 'path must be a string');
    if (text.length > 512) throw new CodedError('PATH_INVALID', 'path is longer than 512 characters');
    let rest = text;
    if (
      options.alternatePath !== undefined &&
      options.alternatePath !== '/' &&
      options.alternatePath !== ''
    ) {
      const alt = options.alternatePath.replace(/\/+$/, '');
      if (rest !== alt && !rest.startsWith(`${alt}/`)) {
        throw new CodedError(
          'PATH_INVALID',
          `path ${JSON.stringify(text.slice(0, 80))} is not under alternate path ${alt}`,
        );
      }
      rest = rest.slice(alt.length);
    }
    if (rest === '' || rest === '/') return LwM2mPath.ROOT;
    if (rest.startsWith('/')) rest = rest.slice(1);
    return LwM2mPath.fromSegments(rest.split('/'), options, text);
  }

  /** Builds a path from Uri-Path segments (`['dev0', '3303', '0']`). */
  static fromSegments(
    segments: readonly string[],
    options: ParsePathOptions = {},
    source?: string,
  ): LwM2mPath {
    const src = source ?? `/${segments.join('/')}`;
    let i = 0;
    let prefix: string | undefined;
    const first = segments[0];
    if (first !== undefined && !DIGITS_RE.test(first)) {
      if (options.allowPrefix === false) {
        throw new CodedError(
          'PATH_INVALID',
          `path ${JSON.stringify(src.slice(0, 80))} has a non-numeric segment`,
        );
      }
      assertValidPrefix(first);
      prefix = first;
      i = 1;
    }
    const rest = segments.slice(i);
    if (rest.length > 4) {
      throw new CodedError(
        'PATH_INVALID',
        `path ${JSON.stringify(src.slice(0, 80))} has more than 4 id levels`,
      );
    }
    const ids = rest.map((s) => {
      if (!DIGITS_RE.test(s) || s.length > 5) {
        throw new CodedError(
          'PATH_INVALID',
          `path ${JSON.stringify(src.slice(0, 80))}: segment ${JSON.stringify(s.slice(0, 20))} is not an id 0..${MAX_ID}`,
        );
      }
      return checkId(Number(s), 'id', src);
    });
    return new LwM2mPath({
      prefix,
      objectId: ids[0],
      instanceId: ids[1],
      resourceId: ids[2],
      resourceInstanceId: ids[3],
    });
  }

  get level(): PathLevel {
    if (this.objectId === undefined) return 'root';
    if (this.instanceId === undefined) return 'object';
    if (this.resourceId === undefined) return 'instance';
    if (this.resourceInstanceId === undefined) return 'resource';
    return 'resource-instance';
  }

  get isRoot(): boolean {
    return this.objectId === undefined;
  }

  /** Number of id segments (0 for root, 4 for a resource instance). */
  get depth(): number {
    return [this.objectId, this.instanceId, this.resourceId, this.resourceInstanceId].filter(
      (x) => x !== undefined,
    ).length;
  }

  /** Uri-Path segments, prefix first. */
  segments(): string[] {
    const out: string[] = [];
    if (this.prefix !== undefined) out.push(this.prefix);
    for (const id of [this.objectId, this.instanceId, this.resourceId, this.resourceInstanceId]) {
      if (id === undefined) break;
      out.push(String(id));
    }
    return out;
  }

  toString(): string {
    this.#text ??= `/${this.segments().join('/')}`;
    return this.#text;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: LwM2mPath): boolean {
    return this.toString() === other.toString();
  }

  /** This path without its gateway prefix. */
  withoutPrefix(): LwM2mPath {
    return this.prefix === undefined ? this : new LwM2mPath({ ...this.parts(), prefix: undefined });
  }

  withPrefix(prefix: string | undefined): LwM2mPath {
    return new LwM2mPath({ ...this.parts(), prefix });
  }

  parts(): PathParts {
    return {
      prefix: this.prefix,
      objectId: this.objectId,
      instanceId: this.instanceId,
      resourceId: this.resourceId,
      resourceInstanceId: this.resourceInstanceId,
    };
  }

  /** Child path one level down (`/3/0` + 1 = `/3/0/1`). */
  child(id: number): LwM2mPath {
    const p = this.parts();
    switch (this.level) {
      case 'root':
        return new LwM2mPath({ ...p, objectId: id });
      case 'object':
        return new LwM2mPath({ ...p, instanceId: id });
      case 'instance':
        return new LwM2mPath({ ...p, resourceId: id });
      case 'resource':
        return new LwM2mPath({ ...p, resourceInstanceId: id });
      default:
        throw new CodedError('PATH_INVALID', `${this} is a resource instance and has no children`);
    }
  }

  parent(): LwM2mPath {
    const p = this.parts();
    switch (this.level) {
      case 'root':
        return this;
      case 'object':
        return new LwM2mPath({ prefix: p.prefix });
      case 'instance':
        return new LwM2mPath({ ...p, instanceId: undefined });
      case 'resource':
        return new LwM2mPath({ ...p, resourceId: undefined });
      default:
        return new LwM2mPath({ ...p, resourceInstanceId: undefined });
    }
  }

  /** True when `other` equals this path or lies below it (same prefix). */
  startsWith(other: LwM2mPath): boolean {
    if (this.prefix !== other.prefix) return false;
    const mine = [this.objectId, this.instanceId, this.resourceId, this.resourceInstanceId];
    const theirs = [other.objectId, other.instanceId, other.resourceId, other.resourceInstanceId];
    for (let i = 0; i < 4; i++) {
      if (theirs[i] === undefined) return true;
      if (mine[i] !== theirs[i]) return false;
    }
    return true;
  }
}

/** Shorthand for `LwM2mPath.parse`. */
export function path(text: string, options?: ParsePathOptions): LwM2mPath {
  return LwM2mPath.parse(text, options);
}
