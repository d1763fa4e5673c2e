import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import { LwM2mPath, type PathParts } from '../../model/path.js';

/** `n` relative to a base name: one or two ids ("5700", "7/1"), the common case on the hot path. */
const RELATIVE_IDS = /^(\d{1,5})(?:\/(\d{1,5}))?$/;

function malformed(format: string, index: number, message: string, cause?: unknown): CodedError {
  return new CodedError('CODEC_MALFORMED', `${format} record ${index}: ${message}`, {
    cause,
    details: { record: index },
  });
}

/** Runs a path constructor/parser, turning PATH_INVALID/PREFIX_INVALID into CODEC_MALFORMED. */
function asPath(format: string, index: number, make: () => LwM2mPath): LwM2mPath {
  try {
    return make();
  } catch (err) {
    if (!isCodedError(err)) throw err;
    throw malformed(format, index, err.message, err);
  }
}

/** Reads a resolved name as a path: it starts with "/", may end with one "/" (a base name alone). */
function nameToPath(name: string, format: string, index: number): LwM2mPath {
  if (!name.startsWith('/')) {
    throw malformed(format, index, `name ${JSON.stringify(name.slice(0, 80))} is not an LwM2M path`);
  }
  const text = name.length > 1 && name.endsWith('/') ? name.slice(0, -1) : name;
  return asPath(format, index, () => LwM2mPath.parse(text));
}

/**
 * Turns `bn` + `n` into LwM2M paths for one pack. Names are joined literally (RFC 8428 §4.5.1),
 * except that a "/" ending `bn` and a "/" starting `n` collapse into one (the Gateway TS composite
 * example writes `bn "/d01/3/0/"` with `n "/9"`). A name must start with "/"; one trailing "/" is
 * dropped (a record naming only its base). The base path is parsed once and relative ids are added
 * to it, which is several times faster than parsing every full name.
 */
export class SenmlNameResolver {
  readonly #format: string;
  #baseName: string | undefined;
  #basePath: LwM2mPath | undefined;

  constructor(format: string) {
    this.#format = format;
  }

  resolve(baseName: string, name: string | undefined, index: number): LwM2mPath {
    if (name === undefined) return nameToPath(baseName, this.#format, index);
    const m = baseName.length > 1 && baseName.endsWith('/') ? RELATIVE_IDS.exec(name) : null;
    if (m !== null) {
      const base = this.#base(baseName, index);
      const ids = [base.objectId, base.instanceId, base.resourceId, base.resourceInstanceId];
      const free = ids.indexOf(undefined);
      const added = m[2] === undefined ? [Number(m[1])] : [Number(m[1]), Number(m[2])];
      if (free >= 0 && free + added.length <= 4) {
        ids.splice(free, added.length, ...added);
        const parts: PathParts = {
          prefix: base.prefix,
          objectId: ids[0],
          instanceId: ids[1],
          resourceId: ids[2],
          resourceInstanceId: ids[3],
        };
        return asPath(this.#format, index, () => new LwM2mPath(parts));
      }
    }
    const joined =
      baseName.endsWith('/') && name.startsWith('/') ? baseName + name.slice(1) : baseName + name;
    if (joined === '') throw malformed(this.#format, index, 'the record has no name');
    return nameToPath(joined, this.#format, index);
  }

  #base(baseName: string, index: number): LwM2mPath {
    if (baseName !== this.#baseName || this.#basePath === undefined) {
      this.#basePath = nameToPath(baseName, this.#format, index);
      this.#baseName = baseName;
    }
    return this.#basePath;
  }
}
