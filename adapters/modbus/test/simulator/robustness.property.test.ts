import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handlePdu } from '../../src/simulator/engine/handle-pdu.js';
import { framings } from '../../src/simulator/framing/framings.js';
import { UnitMemory } from '../../src/simulator/memory/unit-memory.js';

const bytes = fc.uint8Array({ minLength: 0, maxLength: 600 });

describe('robustness on arbitrary input', () => {
  for (const framing of Object.values(framings)) {
    it(`${framing.name} decoder never throws and only emits PDUs of at most 253 bytes`, () => {
      fc.assert(
        fc.property(fc.array(bytes, { maxLength: 8 }), fc.boolean(), (chunks, silence) => {
          let longest = 0;
          const decoder = framing.createDecoder({
            frame: (_unit, pdu) => {
              longest = Math.max(longest, pdu.length);
            },
            framingError: () => {},
          });
          for (const chunk of chunks) {
            if (!decoder.push(Buffer.from(chunk))) break;
            if (silence) decoder.silence();
          }
          expect(longest).toBeLessThanOrEqual(253);
        }),
        { numRuns: 300, seed: 42 },
      );
    });
  }

  it('every PDU gets a reply: a normal one or a 2-byte exception', () => {
    const unit = new UnitMemory({
      coils: [{ start: 0, count: 100, readOnly: false }],
      discreteInputs: [{ start: 0, count: 100, readOnly: false }],
      holdingRegisters: [{ start: 0, count: 100, readOnly: false }],
      inputRegisters: [{ start: 10, count: 100, readOnly: true }],
    });
    const pdu = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 253 }),
      fc
        .tuple(fc.constantFrom(1, 2, 3, 4, 5, 6, 15, 16), fc.uint8Array({ minLength: 0, maxLength: 40 }))
        .map(([code, rest]) => Uint8Array.of(code, ...rest)),
    );
    fc.assert(
      fc.property(pdu, (request) => {
        const reply = handlePdu(unit, request);
        expect(reply.length).toBeGreaterThanOrEqual(2);
        expect(reply.length).toBeLessThanOrEqual(253);
        expect(reply[0]! & 0x7f).toBe(request[0]! & 0x7f);
        if ((reply[0]! & 0x80) !== 0) expect(reply.length).toBe(2);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
