import { describe, expect, it } from 'vitest';
import { handlePdu } from '../../src/simulator/engine/handle-pdu.js';
import { UnitMemory } from '../../src/simulator/memory/unit-memory.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const run = (memory: UnitMemory, pdu: string) => handlePdu(memory, hex(pdu)).toString('hex').toUpperCase();

function memory(): UnitMemory {
  const unit = new UnitMemory({
    coils: [
      { start: 0, count: 20, readOnly: false },
      { start: 20, count: 10, readOnly: false },
      { start: 100, count: 8, readOnly: true },
    ],
    discreteInputs: [{ start: 0, count: 16, readOnly: false }],
    holdingRegisters: [
      { start: 0, count: 10, readOnly: false },
      { start: 10, count: 200, readOnly: false },
      { start: 500, count: 5, readOnly: true },
      { start: 0xfff0, count: 16, readOnly: false },
    ],
    inputRegisters: [{ start: 0, count: 3, readOnly: false }],
  });
  for (let i = 0; i < 210; i++) unit.holdingRegisters.set(i, 0x100 + i);
  for (const [i, bit] of [1, 0, 1, 1, 0, 0, 1, 1, 1].entries()) unit.coils.set(i, bit);
  unit.discreteInputs.set(3, 1);
  unit.inputRegisters.set(2, 0xbeef);
  return unit;
}

describe('reads', () => {
  it('FC 1 packs coils LSB first, across adjacent ranges, zero padded', () => {
    const unit = memory();
    expect(run(unit, '01 0000 0009')).toBe('0102CD01');
    unit.coils.set(25, 1);
    expect(run(unit, '01 0012 000C')).toBe('01028000');
  });

  it('FC 2, 3 and 4 read their own tables', () => {
    const unit = memory();
    expect(run(unit, '02 0000 0004')).toBe('020108');
    expect(run(unit, '03 0009 0002')).toBe('0304010901' + '0A');
    expect(run(unit, '04 0001 0002')).toBe('0404' + '0000BEEF');
    expect(run(unit, '03 FFF0 0010')).toBe(`0320${'0000'.repeat(16)}`);
  });

  it('reads up to the limits (125 registers, 2000 bits) and refuses one more with exception 3', () => {
    const unit = memory();
    expect(handlePdu(unit, hex('03 0000 007D')).length).toBe(2 + 250);
    expect(run(unit, '03 0000 007E')).toBe('8303');
    expect(run(unit, '03 0000 0000')).toBe('8303');
    expect(run(unit, '01 0000 0000')).toBe('8103');
    expect(run(unit, '01 0000 07D1')).toBe('8103');
    expect(run(unit, '02 0000 07D1')).toBe('8203');
    expect(run(unit, '04 0000 007E')).toBe('8403');
  });

  it('answers exception 2 outside the configured ranges, and past address 65535', () => {
    const unit = memory();
    expect(run(unit, '03 00D2 0001')).toBe('8302');
    expect(run(unit, '03 00D0 0004')).toBe('8302');
    expect(run(unit, '04 0003 0001')).toBe('8402');
    expect(run(unit, '01 001E 0001')).toBe('8102');
    expect(run(unit, '02 000F 0002')).toBe('8202');
    expect(run(unit, '03 FFFF 0002')).toBe('8302');
  });

  it('answers exception 3 to a PDU of the wrong length', () => {
    expect(run(memory(), '03 0000 00')).toBe('8303');
    expect(run(memory(), '03 0000 0001 00')).toBe('8303');
  });
});

describe('writes', () => {
  it('FC 5 switches a coil with FF00/0000, echoes the request, refuses other values', () => {
    const unit = memory();
    expect(run(unit, '05 0001 FF00')).toBe('050001FF00');
    expect(unit.coils.get(1)).toBe(1);
    expect(run(unit, '05 0001 0000')).toBe('0500010000');
    expect(unit.coils.get(1)).toBe(0);
    expect(run(unit, '05 0001 0001')).toBe('8503');
    expect(run(unit, '05 0040 FF00')).toBe('8502');
  });

  it('FC 6 writes a register and echoes the request', () => {
    const unit = memory();
    expect(run(unit, '06 0005 ABCD')).toBe('060005ABCD');
    expect(unit.holdingRegisters.get(5)).toBe(0xabcd);
    expect(run(unit, '06 0300 0001')).toBe('8602');
  });

  it('FC 15 writes coils across ranges and checks quantity and byte count', () => {
    const unit = memory();
    expect(run(unit, '0F 0012 000A 02 CD 01')).toBe('0F0012000A');
    expect([18, 19, 20, 21, 22, 23, 24, 25, 26, 27].map((a) => unit.coils.get(a))).toEqual([
      1, 0, 1, 1, 0, 0, 1, 1, 1, 0,
    ]);
    expect(run(unit, '0F 0000 000A 01 CD')).toBe('8F03');
    expect(run(unit, '0F 0000 000A 02 CD')).toBe('8F03');
    expect(run(unit, '0F 0000 0000 00')).toBe('8F03');
    expect(run(unit, `0F 0000 07B1 F7 ${'00'.repeat(0xf7)}`)).toBe('8F03');
    expect(run(unit, '0F 001C 0004 01 0F')).toBe('8F02');
  });

  it('FC 16 writes registers and checks quantity and byte count', () => {
    const unit = memory();
    expect(run(unit, '10 0008 0003 06 0001 0002 0003')).toBe('1000080003');
    expect([8, 9, 10].map((a) => unit.holdingRegisters.get(a))).toEqual([1, 2, 3]);
    expect(run(unit, '10 0000 0002 03 0001 00')).toBe('9003');
    expect(run(unit, '10 0000 0002 04 0001')).toBe('9003');
    expect(run(unit, `10 0000 007C F8 ${'00'.repeat(0xf8)}`)).toBe('9003');
    expect(handlePdu(unit, hex(`10 0000 007B F6 ${'00'.repeat(0xf6)}`)).toString('hex')).toBe('100000007b');
    expect(run(unit, '10 00D1 0002 04 0001 0002')).toBe('9002');
  });

  it('refuses writes to read-only ranges with exception 2 and leaves them unchanged', () => {
    const unit = memory();
    expect(run(unit, '06 01F4 0001')).toBe('8602');
    expect(run(unit, '10 01F3 0002 04 0001 0002')).toBe('9002');
    expect(run(unit, '05 0064 FF00')).toBe('8502');
    expect(run(unit, '0F 0064 0002 01 03')).toBe('8F02');
    expect(unit.holdingRegisters.get(500)).toBe(0);
    expect(run(unit, '03 01F4 0001')).toBe('03020000');
  });
});

describe('other function codes', () => {
  it('answer exception 1 (illegal function)', () => {
    for (const fc of [
      '07',
      '08 0000 0000',
      '11',
      '16 0000 FFFF 0000',
      '17 0000 0001 0000 0001 02 0000',
      '2B 0E 01 00',
      '00',
      '7F',
    ]) {
      const code = Number.parseInt(fc.slice(0, 2), 16);
      expect(run(memory(), fc)).toBe(
        `${((code | 0x80) & 0xff).toString(16).toUpperCase().padStart(2, '0')}01`,
      );
    }
  });
});
