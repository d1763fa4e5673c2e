/**
 * The Uri-Query parameters of Register and Update (LwM2M 1.1 Core §6.2.1, Transport §6.2):
 * `ep`, `lt`, `lwm2m`, `b`, `sms`, `Q`. Unknown parameters are ignored; a repeated or malformed
 * one is refused.
 */

/** Lifetime when Register names none (Core §6.2.1: 86400 s). */
export const DEFAULT_LIFETIME_S = 86_400;
/** LwM2M version when Register names none (a 1.0 client may leave `lwm2m` out). */
export const DEFAULT_LWM2M_VERSION = '1.0';
/** Binding when Register names none: UDP. */
export const DEFAULT_BINDING = 'U';

export interface RegisterParams {
  readonly endpoint: string;
  readonly lifetime: number;
  readonly lwm2mVersion: string;
  readonly binding: string;
  /** `Q` (1.1) or a binding with Q (1.0: "UQ"). */
  readonly queueMode: boolean;
  readonly smsNumber: string | undefined;
}

export interface UpdateParams {
  readonly lifetime?: number;
  readonly binding?: string;
  readonly smsNumber?: string;
}

export type ParamsResult<T> =
  | { readonly ok: true; readonly params: T }
  /** `code`: 4.00, or 4.12 for an LwM2M version this server does not speak. */
  | { readonly ok: false; readonly code: '4.00' | '4.12'; readonly reason: string };

const LIFETIME_RE = /^\d{1,10}$/;
const VERSION_RE = /^(\d{1,3})\.(\d{1,3})$/;
const BINDING_RE = /^[USNTQ]{1,5}$/;
/** The most a lifetime can be: a 32-bit unsigned number of seconds (Core Resource 1/x/1). */
const MAX_LIFETIME_S = 0xffff_ffff;

function splitQuery(query: readonly string[]): Map<string, string | undefined> | string {
  const params = new Map<string, string | undefined>();
  for (const item of query) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (params.has(name)) return `parameter "${name.slice(0, 20)}" is repeated`;
    params.set(name, eq < 0 ? undefined : item.slice(eq + 1));
  }
  return params;
}

function parseLifetime(value: string | undefined): number | string {
  const lifetime = value !== undefined && LIFETIME_RE.test(value) ? Number(value) : Number.NaN;
  if (!(lifetime >= 1 && lifetime <= MAX_LIFETIME_S)) {
    return `lt=${String(value).slice(0, 20)} is not a lifetime of 1 to ${MAX_LIFETIME_S} seconds`;
  }
  return lifetime;
}

function checkBinding(value: string | undefined): string | undefined {
  if (value === undefined || !BINDING_RE.test(value)) {
    return `b=${String(value).slice(0, 20)} is not a binding (letters U, S, N, T, Q)`;
  }
  return undefined;
}

const fail = (reason: string, code: '4.00' | '4.12' = '4.00') => ({ ok: false, code, reason }) as const;

/** Register: `ep` is required; the rest default to lt 86400, lwm2m 1.0, b=U. */
export function parseRegisterParams(query: readonly string[]): ParamsResult<RegisterParams> {
  const params = splitQuery(query);
  if (typeof params === 'string') return fail(params);
  const endpoint = params.get('ep');
  if (endpoint === undefined || endpoint.length === 0) return fail('the endpoint name (ep) is missing');
  const lifetime = params.has('lt') ? parseLifetime(params.get('lt')) : DEFAULT_LIFETIME_S;
  if (typeof lifetime === 'string') return fail(lifetime);
  const lwm2mVersion = params.has('lwm2m') ? params.get('lwm2m') : DEFAULT_LWM2M_VERSION;
  const version = lwm2mVersion === undefined ? null : VERSION_RE.exec(lwm2mVersion);
  if (version === null || lwm2mVersion === undefined) {
    return fail(`lwm2m=${String(lwm2mVersion).slice(0, 20)} is not a version "X.Y"`);
  }
  if (version[1] !== '1') return fail(`LwM2M version ${lwm2mVersion} is not supported (1.x only)`, '4.12');
  const binding = params.has('b') ? params.get('b') : DEFAULT_BINDING;
  const bindingError = checkBinding(binding);
  if (bindingError !== undefined || binding === undefined) return fail(bindingError ?? 'no binding');
  if (params.has('Q') && params.get('Q') !== undefined) return fail('Q takes no value');
  return {
    ok: true,
    params: {
      endpoint,
      lifetime,
      lwm2mVersion,
      binding,
      queueMode: params.has('Q') || binding.includes('Q'),
      smsNumber: params.get('sms'),
    },
  };
}

/** Update: only `lt`, `b` and `sms` may change (Core §6.2.2). */
export function parseUpdateParams(query: readonly string[]): ParamsResult<UpdateParams> {
  const params = splitQuery(query);
  if (typeof params === 'string') return fail(params);
  const update: { lifetime?: number; binding?: string; smsNumber?: string } = {};
  if (params.has('lt')) {
    const lifetime = parseLifetime(params.get('lt'));
    if (typeof lifetime === 'string') return fail(lifetime);
    update.lifetime = lifetime;
  }
  if (params.has('b')) {
    const binding = params.get('b');
    const bindingError = checkBinding(binding);
    if (bindingError !== undefined || binding === undefined) return fail(bindingError ?? 'no binding');
    update.binding = binding;
  }
  const sms = params.get('sms');
  if (sms !== undefined) update.smsNumber = sms;
  return { ok: true, params: update };
}
