import { describe, expect, it } from 'vitest';
import { hex, toHex } from '../../../../../test/support/fuzz.js';
import { SenmlCborCodec } from '../../../src/codec/senml/senml-cbor-codec.js';
import { SenmlJsonCodec } from '../../../src/codec/senml/senml-json-codec.js';
import { nodesEqual } from '../../../src/model/node.js';
import { LwM2mPath } from '../../../src/model/path.js';
import { decodeContext, encodeContext, text, utf8 } from './helpers.js';
import { notesCborExample, senmlVectors } from './senml-vectors.js';

const json = new SenmlJsonCodec();
const cbor = new SenmlCborCodec();

describe('SenML golden vectors', () => {
  describe.each(senmlVectors)('$name at $path', (vector) => {
    const path = LwM2mPath.parse(vector.path);

    it('encodes to the SenML JSON text', () => {
      expect(text(json.encode(vector.node, path, encodeContext))).toBe(vector.json);
    });

    it('decodes the SenML JSON text', () => {
      const decoded = json.decode(utf8(vector.json), path, decodeContext);
      expect(nodesEqual(decoded, vector.node)).toBe(true);
    });

    it('encodes to the SenML CBOR bytes', () => {
      expect(toHex(cbor.encode(vector.node, path, encodeContext))).toBe(toHex(hex(vector.cbor)));
    });

    it('decodes the SenML CBOR bytes', () => {
      const decoded = cbor.decode(hex(vector.cbor), path, decodeContext);
      expect(nodesEqual(decoded, vector.node)).toBe(true);
    });

    it('decodes as a composite payload under the same path', () => {
      const [entry, ...rest] = cbor.decodeNodes(hex(vector.cbor), [path], decodeContext);
      expect(rest).toEqual([]);
      expect(entry?.path.toString()).toBe(vector.path);
      expect(nodesEqual(entry!.node, vector.node)).toBe(true);
    });
  });

  it('decodes the notes example with 22.5 as float32 and re-encodes it as float16', () => {
    const path = LwM2mPath.parse('/dev1/3303/0');
    const decoded = cbor.decode(hex(notesCborExample), path, decodeContext);
    const vector = senmlVectors.find((v) => v.path === '/dev1/3303/0')!;
    expect(nodesEqual(decoded, vector.node)).toBe(true);
    const reencoded = toHex(cbor.encode(decoded, path, encodeContext));
    expect(reencoded).toBe(notesCborExample.replace('fa41b40000', 'f94da0'));
  });
});
