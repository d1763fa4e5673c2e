import type { CoapIncomingResponse } from '@lwm2m-adapters/coap';
import { ContentFormat, type LwM2mCodecs, type LwM2mNode } from '@lwm2m-adapters/lwm2m-core';
import type { Registration } from '../registration/registration.js';

/**
 * Which Content-Format the server sends a payload in (LwM2M 1.1 Core §7, Transport §6):
 *
 * - the caller's format when it names one (never retried);
 * - else the first format of a preference list that the client advertised on its root link (`ct`);
 * - else the version's default: TLV for LwM2M 1.0, SenML CBOR for 1.1 and later (text or opaque
 *   for a single resource, which every client reads);
 * - a 4.15 (Unsupported Content-Format) or 4.06 (Not Acceptable) answer to a format the server
 *   chose is retried once, in the next candidate (TLV for values, SenML JSON for path lists: the
 *   formats most clients that lack SenML CBOR have).
 *
 * Reads and Observes send no Accept unless asked: the client answers in a format of its own, which
 * the server decodes whatever it is.
 */

/** Multi-value payloads (Write, Create), by preference when the client advertised them. */
const VALUE_FORMATS: readonly number[] = [
  ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR,
  ContentFormat.SENML_JSON,
  ContentFormat.TLV,
];
/** Write-Composite payloads (paths named in the payload: no TLV). */
const COMPOSITE_VALUE_FORMATS: readonly number[] = [
  ContentFormat.SENML_CBOR,
  ContentFormat.LWM2M_CBOR,
  ContentFormat.SENML_JSON,
];
/** Read-/Observe-Composite path lists (SenML only in LwM2M 1.1). */
const PATH_LIST_FORMATS: readonly number[] = [ContentFormat.SENML_CBOR, ContentFormat.SENML_JSON];

/** At most two candidates: the first, and the one a 4.15/4.06 is retried with. */
function candidates(registration: Registration, preference: readonly number[], fallbacks: readonly number[]) {
  const advertised = preference.filter((format) => registration.contentFormats.includes(format));
  return [...new Set([...advertised, ...fallbacks])].slice(0, 2);
}

const isLwm2m10 = (registration: Registration) => registration.lwm2mVersion === '1.0';

/** Write (and Create with an instance id): the formats to try for `node`, best first. */
export function valueFormats(registration: Registration, node: LwM2mNode, codecs: LwM2mCodecs): number[] {
  const multi = candidates(
    registration,
    VALUE_FORMATS,
    isLwm2m10(registration) ? [ContentFormat.TLV] : [ContentFormat.SENML_CBOR, ContentFormat.TLV],
  );
  if (node.kind === 'resource' || node.kind === 'resource-instance') {
    return [codecs.negotiate(node), ...multi].slice(0, 2);
  }
  return multi;
}

/** Write-Composite: SenML CBOR, LwM2M CBOR or SenML JSON. */
export function compositeValueFormats(registration: Registration): number[] {
  return candidates(registration, COMPOSITE_VALUE_FORMATS, [
    ContentFormat.SENML_CBOR,
    ContentFormat.SENML_JSON,
  ]);
}

/** Read-/Observe-Composite path lists: SenML CBOR or SenML JSON. */
export function pathListFormats(registration: Registration): number[] {
  return candidates(registration, PATH_LIST_FORMATS, PATH_LIST_FORMATS);
}

/** An answer that asks for another format. */
export function refusesFormat(response: Pick<CoapIncomingResponse, 'code'>): boolean {
  return response.code === '4.15' || response.code === '4.06';
}

/**
 * Sends with `formats[0]`; when the client answers 4.15 or 4.06 and there is a second format,
 * once more with it (`onRetry` counts it). Resolves with the last answer and its format.
 */
export async function withFormatFallback<R extends Pick<CoapIncomingResponse, 'code'>>(
  formats: readonly number[],
  attempt: (format: number) => Promise<R>,
  onRetry: () => void,
): Promise<{ response: R; format: number }> {
  const [first, second] = formats;
  if (first === undefined) throw new RangeError('no content format to send');
  const response = await attempt(first);
  if (second === undefined || !refusesFormat(response)) return { response, format: first };
  onRetry();
  return { response: await attempt(second), format: second };
}
