import { isCodedError } from '@lwm2m-adapters/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../test/support/fuzz.js';
import { OpaqueCodec } from '../../src/codec/opaque/opaque-codec.js';
import { node, nodesEqual } from '../../src/model/node.js';
import { LwM2mPath } from '../../src/model/path.js';
import { value } from '../../src/model/value.js';
import { testModel } from '../support/test-model.js';

const codec = new OpaqueCodec();
const ctx = { model: testModel };
const p = (text: string) => LwM2mPath.parse(text);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCodedError(err) ? err.code : `non-coded ${String(err)}`;
  }
  return undefined;
}

describe('opaque (ct 42)', () => {
  it('carries the raw bytes of an opaque resource or resource instance', () => {
    const r = node.resource(5, value.opaque(hex('00 01 FF')));
    expect(toHex(codec.encode(r, p('/9999/0/5'), ctx))).toBe('0001ff');
    expect(nodesEqual(codec.decode(hex('00 01 FF'), p('/9999/0/5'), ctx), r)).toBe(true);
    const ri = node.resourceInstance(2, value.opaque(hex('AB')));
    expect(toHex(codec.encode(ri, p('/9999/0/105/2'), ctx))).toBe('ab');
    expect(nodesEqual(codec.decode(hex('AB'), p('/9999/0/105/2'), ctx), ri)).toBe(true);
    expect(
      nodesEqual(
        codec.decode(new Uint8Array(0), p('/9999/0/5'), ctx),
        node.resource(5, value.opaque(new Uint8Array(0))),
      ),
    ).toBe(true);
  });

  it('takes unknown resources as opaque', () => {
    expect(
      nodesEqual(codec.decode(hex('01'), p('/12345/0/1'), ctx), node.resource(1, value.opaque(hex('01')))),
    ).toBe(true);
  });

  it('copies: neither the payload nor the node value is aliased', () => {
    const payload = Buffer.from('010203', 'hex');
    const n = codec.decode(payload, p('/9999/0/5'), ctx);
    payload[0] = 9;
    expect(n.kind === 'resource' && toHex(n.value.value as Uint8Array)).toBe('010203');
    expect(n.kind === 'resource' && (n.value.value as Uint8Array).constructor).toBe(Uint8Array);
    const v = hex('0102');
    const out = codec.encode(node.resource(5, value.opaque(v)), p('/9999/0/5'), ctx);
    out[0] = 9;
    expect(toHex(v)).toBe('0102');
  });

  it('canEncode only opaque single values', () => {
    expect(codec.canEncode(node.resource(5, value.opaque(new Uint8Array(0))))).toBe(true);
    expect(codec.canEncode(node.resourceInstance(5, value.opaque(new Uint8Array(0))))).toBe(true);
    expect(codec.canEncode(node.resource(1, value.integer(1)))).toBe(false);
    expect(codec.canEncode(node.multiple(105, 'opaque', []))).toBe(false);
    expect(codec.canEncode(node.instance(0, []))).toBe(false);
    expect(codec.contentFormat).toBe(42);
  });

  it.each([
    ['a string resource', '/9999/0/0', 'CODEC_UNSUPPORTED_FORMAT'],
    ['a multiple resource', '/9999/0/105', 'CODEC_UNSUPPORTED_FORMAT'],
    ['an instance', '/9999/0', 'CODEC_UNSUPPORTED_FORMAT'],
    ['the root', '/', 'CODEC_UNSUPPORTED_FORMAT'],
  ])('decoding rejects %s', (_name, path, code) => {
    expect(codeOf(() => codec.decode(hex('01'), p(path), ctx))).toBe(code);
  });

  it('enforces maxPayloadBytes', () => {
    expect(
      codeOf(() =>
        codec.decode(new Uint8Array(6), p('/9999/0/5'), { ...ctx, limits: { maxPayloadBytes: 5 } }),
      ),
    ).toBe('CODEC_LIMIT_EXCEEDED');
  });

  it.each([
    [
      'a non-opaque value',
      () => codec.encode(node.resource(500, value.integer(1)), p('/9999/0/500'), ctx),
      'CODEC_UNSUPPORTED_FORMAT',
    ],
    [
      'a value against the model',
      () => codec.encode(node.resource(0, value.opaque(hex('01'))), p('/9999/0/0'), ctx),
      'NODE_INVALID',
    ],
    [
      'a multiple resource',
      () => codec.encode(node.multiple(105, 'opaque', []), p('/9999/0/105'), ctx),
      'CODEC_UNSUPPORTED_FORMAT',
    ],
    [
      'a path mismatch',
      () => codec.encode(node.resource(5, value.opaque(hex('01'))), p('/9999/0/6'), ctx),
      'NODE_INVALID',
    ],
  ])('encoding rejects %s', (_name, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const r = node.resource(5, value.opaque(bytes));
        return nodesEqual(codec.decode(codec.encode(r, p('/9999/0/5'), ctx), p('/9999/0/5'), ctx), r);
      }),
      { numRuns: 500 },
    );
  });
});
