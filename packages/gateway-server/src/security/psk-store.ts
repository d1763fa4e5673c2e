import { readFile } from 'node:fs/promises';
import { CodedError } from '@lwm2m-adapters/errors';
import { z } from 'zod';

/** One client allowed over DTLS-PSK: its endpoint name, PSK identity and key. */
export interface PskEntry {
  readonly endpoint: string;
  readonly identity: string;
  readonly key: Uint8Array;
}

const entrySchema = z
  .object({
    endpoint: z.string().min(1).max(255),
    identity: z
      .string()
      .min(1)
      .max(128)
      .refine((s) => new TextEncoder().encode(s).length <= 128, {
        error: 'a PSK identity is at most 128 bytes',
      }),
    key: z.string().regex(/^(?:[0-9a-fA-F]{2}){1,64}$/, {
      error: 'a key is 1 to 64 bytes written as hex digits, e.g. "0123abcd"',
    }),
  })
  .strict();

const fileSchema = z
  .object({
    clients: z.array(entrySchema),
  })
  .strict();

/** Whether clients without DTLS may register, for endpoints with no PSK entry. */
export type NoSecPolicy = 'allow' | 'deny';

/**
 * The PSK security store of the gateway server, keyed by PSK identity (for the DTLS handshake)
 * and by endpoint name (for the registration check): a client with an entry must register over
 * DTLS with its identity; an identity may register only as its own endpoint; a NoSec client may
 * register an endpoint without an entry when the policy allows it.
 *
 * The file is JSON: `{ "clients": [{ "endpoint": "plc-7", "identity": "plc-7", "key": "0123abcd..." }] }`.
 */
export class PskStore {
  #byIdentity = new Map<string, PskEntry>();
  #byEndpoint = new Map<string, PskEntry>();
  readonly #noSec: NoSecPolicy;

  constructor(entries: readonly PskEntry[] = [], noSec: NoSecPolicy = 'allow') {
    this.#noSec = noSec;
    this.replace(entries);
  }

  /** Reads a PSK store file; CONFIG_INVALID names the file and the entry that is wrong. */
  static async load(file: string, noSec: NoSecPolicy = 'allow'): Promise<PskStore> {
    return new PskStore(await readPskFile(file), noSec);
  }

  get size(): number {
    return this.#byIdentity.size;
  }

  /** Replaces every entry (a reload); throws CONFIG_INVALID on a duplicate identity or endpoint. */
  replace(entries: readonly PskEntry[]): void {
    const byIdentity = new Map<string, PskEntry>();
    const byEndpoint = new Map<string, PskEntry>();
    for (const entry of entries) {
      if (byIdentity.has(entry.identity)) {
        throw new CodedError('CONFIG_INVALID', `the PSK identity ${entry.identity} appears twice`);
      }
      if (byEndpoint.has(entry.endpoint)) {
        throw new CodedError('CONFIG_INVALID', `the endpoint ${entry.endpoint} has two PSK entries`);
      }
      byIdentity.set(entry.identity, entry);
      byEndpoint.set(entry.endpoint, entry);
    }
    this.#byIdentity = byIdentity;
    this.#byEndpoint = byEndpoint;
  }

  /** The key of a PSK identity, for the DTLS handshake. */
  keyFor(identity: string): Uint8Array | undefined {
    return this.#byIdentity.get(identity)?.key;
  }

  /** Whether `endpoint` may register over a session with `identity` (undefined: NoSec); else why not. */
  authorize(endpoint: string, identity: string | undefined): true | string {
    const entry = this.#byEndpoint.get(endpoint);
    if (identity === undefined) {
      if (entry !== undefined) return `${endpoint} has a PSK entry: it must register over DTLS (coaps://)`;
      return this.#noSec === 'allow' ? true : `${endpoint} has no PSK entry and NoSec clients are refused`;
    }
    const own = this.#byIdentity.get(identity);
    if (own === undefined) return `the PSK identity ${identity} has no entry`;
    if (own.endpoint !== endpoint) {
      return `the PSK identity ${identity} belongs to the endpoint ${own.endpoint}, not ${endpoint}`;
    }
    return true;
  }
}

/** Parses a PSK store file (see PskStore). */
export async function readPskFile(file: string): Promise<PskEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new CodedError('CONFIG_INVALID', `PSK store ${file}: ${why}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CodedError('CONFIG_INVALID', `PSK store ${file}: not JSON (${(cause as Error).message})`, {
      cause,
    });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new CodedError(
      'CONFIG_INVALID',
      `PSK store ${file}${where}: ${issue?.message ?? 'invalid'} (expected {"clients":[{"endpoint","identity","key"}]})`,
    );
  }
  return parsed.data.clients.map((c) => ({
    endpoint: c.endpoint,
    identity: c.identity,
    key: Uint8Array.from(Buffer.from(c.key, 'hex')),
  }));
}
