// @ts-check
// The HTTP API as the console calls it: JSON in and out, the token (when one is set) on every
// method but GET, as the server asks for it.

const TOKEN_KEY = 'lwm2m-console-token';

export const apiToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  /** @param {string} value */
  set: (value) => {
    if (value === '') sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  },
};

/**
 * @typedef {{ kind: 'clients' | 'devices', id: string }} Target
 * @typedef {{ status: number, ok: boolean, body: any }} ApiAnswer
 */

/**
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body]
 * @returns {Promise<ApiAnswer>}
 */
export async function apiCall(method, url, body) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = apiToken.get();
  if (token !== '' && method !== 'GET') headers.authorization = `Bearer ${token}`;
  try {
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    let json = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    return { status: response.status, ok: response.ok, body: json };
  } catch (error) {
    return { status: 0, ok: false, body: { error: { code: 'NETWORK', message: String(error) } } };
  }
}

/**
 * The API URL of a path (and operation) on a target.
 * @param {Target} target
 * @param {string} path an LwM2M path, "/3303/0/5700", or "" for the root
 * @param {string} [operation] ":execute", ":observe"...
 */
export const targetUrl = (target, path, operation = '') =>
  `/api/${target.kind}/${encodeURIComponent(target.id)}${path}${operation}`;

/** @param {Target} target */
export const targetKey = (target) => `${target.kind}/${target.id}`;

/**
 * One line for an answer: the LwM2M code, or the coded error.
 * @param {ApiAnswer} answer
 */
export function answerText(answer) {
  const body = answer.body ?? {};
  if (typeof body.code === 'string') return `${body.code}${body.diagnostic ? ` ${body.diagnostic}` : ''}`;
  if (body.success === true) return 'done';
  if (body.error) return `${answer.status} ${body.error.code}: ${body.error.message}`;
  return `HTTP ${answer.status}`;
}
