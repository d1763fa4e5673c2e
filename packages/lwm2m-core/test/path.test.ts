import { isCodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { LwM2mPath } from '../src/model/path.js';

describe('LwM2mPath', () => {
  it.each([
    ['/', 'root', undefined],
    ['/3', 'object', undefined],
    ['/3/0', 'instance', undefined],
    ['/3303/0/5700', 'resource', undefined],
    ['/3/0/7/1', 'resource-instance', undefined],
    ['/dev0/3303/0/5700', 'resource', 'dev0'],
    ['/dev0', 'root', 'dev0'],
  ])('parses %s', (text, level, prefix) => {
    const p = LwM2mPath.parse(text);
    expect(p.level).toBe(level);
    expect(p.prefix).toBe(prefix);
    expect(p.toString()).toBe(text);
  });

  it.each([
    '/65535',
    '/3/0/1/2/3',
    '/3/x',
    '/dev0/dev1/3',
    '/3//0',
    '/3/-1',
    '/3/01a',
    '/3/0x3',
    '/1dev/dev0',
    '/3/0/',
  ])('rejects %s with PATH_INVALID or PREFIX_INVALID', (text) => {
    let error: unknown;
    try {
      LwM2mPath.parse(text);
    } catch (e) {
      error = e;
    }
    expect(isCodedError(error, 'PATH_INVALID') || isCodedError(error, 'PREFIX_INVALID')).toBe(true);
  });

  it('strips an alternate path, then a prefix', () => {
    const p = LwM2mPath.parse('/lwm2m/dev0/3303/0', { alternatePath: '/lwm2m' });
    expect(p.prefix).toBe('dev0');
    expect(p.toString()).toBe('/dev0/3303/0');
    expect(() => LwM2mPath.parse('/other/3303', { alternatePath: '/lwm2m' })).toThrow(/alternate path/);
  });

  it('navigates parents and children', () => {
    const p = LwM2mPath.parse('/dev0/3/0');
    expect(p.child(7).child(1).toString()).toBe('/dev0/3/0/7/1');
    expect(p.parent().toString()).toBe('/dev0/3');
    expect(p.withoutPrefix().toString()).toBe('/3/0');
    expect(LwM2mPath.parse('/dev0/3/0/7').startsWith(p)).toBe(true);
    expect(LwM2mPath.parse('/3/0/7').startsWith(p)).toBe(false);
  });
});
