/**
 * The console's static side: the page at `/`, its files under `/console/`, with their content
 * types, a strict CSP, ETags and cache headers; nothing outside the folder; the vendored
 * libraries equal to the installed packages; `console: false` turns it off.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot, VENDORED } from '../../scripts/vendor-console.mjs';
import { CONSOLE_CSP, defaultConsoleDir } from '../../src/console/console-assets.js';
import { GatewayServer } from '../../src/index.js';

let server: GatewayServer;
let plain: GatewayServer;

beforeAll(async () => {
  server = await GatewayServer.start({ http: { host: '127.0.0.1', port: 0 } });
  plain = await GatewayServer.start({ http: { host: '127.0.0.1', port: 0 }, console: false });
});

afterAll(async () => {
  await server?.close();
  await plain?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.httpUrl}${path}`, { headers, redirect: 'manual' });

describe('console assets', () => {
  it('serves the page at / with a strict CSP, revalidated on each load', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/script-src[^;]*unsafe/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/console/app.js"></script>');
    // no inline script, nothing from another origin
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves scripts, styles and vendored libraries with their content types', async () => {
    const cases = [
      ['/console/app.js', 'text/javascript; charset=utf-8', 'no-cache'],
      ['/console/console.css', 'text/css; charset=utf-8', 'no-cache'],
      ['/console/vendor/htm-preact.js', 'text/javascript; charset=utf-8', 'public, max-age=3600'],
      ['/console/vendor/uPlot.min.css', 'text/css; charset=utf-8', 'public, max-age=3600'],
    ] as const;
    for (const [path, type, cache] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(response.headers.get('cache-control'), path).toBe(cache);
      const body = Buffer.from(await response.arrayBuffer());
      expect(
        body.equals(await readFile(join(defaultConsoleDir(), path.slice('/console/'.length)))),
        path,
      ).toBe(true);
    }
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await get('/console/app.js');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await get('/console/app.js', { 'if-none-match': etag as string });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves nothing outside its folder, and only GET and HEAD', async () => {
    for (const path of [
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/nope.js',
      '/etc/passwd',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
    const post = await fetch(`${server.httpUrl}/console/app.js`, { method: 'POST' });
    expect(post.status).toBe(405);
    const head = await fetch(`${server.httpUrl}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    // the API and the operations routes are unchanged
    expect((await get('/api/clients')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('is off with console: false (the API answers its JSON 404)', async () => {
    const response = await fetch(`${plain.httpUrl}/`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('API_NOT_FOUND');
  });

  it('ships vendored libraries equal to the installed packages (scripts/vendor-console.mjs)', async () => {
    for (const [pkg, from, to] of VENDORED) {
      const installed = await readFile(join(packageRoot(pkg), from));
      const shipped = await readFile(join(defaultConsoleDir(), 'vendor', to));
      expect(shipped.equals(installed), `${to} (from ${pkg}/${from})`).toBe(true);
    }
  });
});
