import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../src');
const socketFreeFolders = ['model', 'codec', 'registry', 'client', 'coap'];
const socketModules =
  /from '(node:)?(dgram|net|tls|dns|http|https)'|from 'node-dtls-client'|from '\.\.\/transport\//;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('layering', () => {
  it('keeps the data model, codecs, registry, client engine and CoAP endpoint free of sockets', () => {
    const offenders = socketFreeFolders
      .flatMap((folder) => files(join(src, folder)))
      .filter((file) => socketModules.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file));
    expect(offenders).toEqual([]);
  });
});
