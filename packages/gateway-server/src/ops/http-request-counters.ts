import type { ApiResponseInfo } from '../http/gateway-http-api.js';

/** HTTP API answers by route and status class, for /metrics. Bounded: routes are the API's own. */
export class HttpRequestCounters {
  readonly #counts = new Map<string, { route: string; status: string; count: number }>();

  count(response: ApiResponseInfo): void {
    const route = response.route ?? 'unknown';
    const status = `${Math.floor(response.status / 100)}xx`;
    const key = `${response.method} ${route} ${status}`;
    const entry = this.#counts.get(key);
    if (entry === undefined)
      this.#counts.set(key, { route: `${response.method} ${route}`, status, count: 1 });
    else entry.count++;
  }

  snapshot(): readonly { readonly route: string; readonly status: string; readonly count: number }[] {
    return [...this.#counts.values()].map((e) => ({ ...e }));
  }
}
