import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the console's browser files are: `console/` in the package root (beside `src` and `dist`). */
export const defaultConsoleDir = (): string => fileURLToPath(new URL('../../console/', import.meta.url));

/**
 * The page may load only its own scripts, styles and data: no inline script, no other origin, no
 * framing, no inline style either (the components and the chart set styles through the DOM, which
 * a CSP does not restrict).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly cacheControl: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * The web console's static files, read once into memory (~170 KB): `GET /` is the page,
 * `GET /console/<file>` its scripts and styles. Every answer carries a strict CSP and an ETag;
 * the page and our scripts are revalidated on each load (`no-cache`), the vendored libraries kept
 * for an hour. Only files found at load time are served: a path cannot leave the folder.
 */
export class ConsoleAssets {
  readonly #assets: ReadonlyMap<string, Asset>;

  private constructor(assets: ReadonlyMap<string, Asset>) {
    this.#assets = assets;
  }

  static async load(dir: string = defaultConsoleDir()): Promise<ConsoleAssets> {
    const assets = new Map<string, Asset>();
    for (const file of await filesUnder(dir)) {
      const contentType = CONTENT_TYPES[extname(file)];
      if (contentType === undefined) continue;
      const name = relative(dir, file).split(sep).join('/');
      const body = await readFile(file);
      assets.set(name, {
        body,
        contentType,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        cacheControl: name.startsWith('vendor/') ? 'public, max-age=3600' : 'no-cache',
      });
    }
    if (!assets.has('index.html')) throw new Error(`the console has no index.html in ${dir}`);
    return new ConsoleAssets(assets);
  }

  /** The asset a URL path names: `/` is the page, `/console/x` a file; undefined: none. */
  #assetFor(path: string): Asset | undefined {
    if (path === '/' || path === '/index.html') return this.#assets.get('index.html');
    if (!path.startsWith('/console/')) return undefined;
    return this.#assets.get(path.slice('/console/'.length));
  }

  /** Answers every request it gets: the asset, 304, 404 or 405. */
  serve(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const asset = this.#assetFor(path);
    const security = {
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    };
    if (asset === undefined) {
      response
        .writeHead(404, { ...security, 'content-type': 'text/plain; charset=utf-8' })
        .end('not found: the console is at /, the API under /api\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { ...security, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
        .end('method not allowed\n');
      return;
    }
    const headers = { ...security, etag: asset.etag, 'cache-control': asset.cacheControl };
    if (request.headers['if-none-match'] === asset.etag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, {
      ...headers,
      'content-type': asset.contentType,
      'content-length': asset.body.length,
    });
    response.end(request.method === 'HEAD' ? undefined : asset.body);
  }
}
