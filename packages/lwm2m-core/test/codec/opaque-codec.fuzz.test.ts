import { describe, expect, it } from 'vitest';
import { fuzzDecoder, hex, toHex } from '../../../../test/support/fuzz.js';
import { OpaqueCodec } from '../../src/codec/opaque/opaque-codec.js';
import { LwM2mPath } from '../../src/model/path.js';
import { testModel } from '../support/test-model.js';

const codec = new OpaqueCodec();
const ctx = { model: testModel, limits: { maxPayloadBytes: 48 } };
const paths = ['/9999/0/5', '/9999/0/105/1', '/12345/0/1', '/9999/0/0', '/9999/0/105', '/9999/0'].map((t) =>
  LwM2mPath.parse(t),
);

describe('opaque decoder fuzz', () => {
  it('100,000 inputs throw only CodedErrors and decode to the exact bytes', () => {
    let n = 0;
    const report = fuzzDecoder(
      (input) => {
        const node = codec.decode(input, paths[n++ % paths.length] ?? LwM2mPath.ROOT, ctx);
        if (node.kind !== 'resource' && node.kind !== 'resource-instance')
          throw new Error('not a single value');
        if (toHex(node.value.value as Uint8Array) !== toHex(input))
          throw new Error(`bytes changed for ${toHex(input)}`);
        return node;
      },
      [hex('00 01 02 FF'), hex(''), hex('FF')],
      { runs: 100_000, seed: 3 },
    );
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.rejected).toBeGreaterThan(0);
  });
});
