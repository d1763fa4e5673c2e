/**
 * The same mbpoll conversation over any transport: reads of the four tables, writes read back,
 * floats in both word orders, an exception and a dead unit. mbpoll is Debian's Modbus master,
 * written independently of this project.
 */
import { expect, it } from 'vitest';
import { type MbpollTarget, mbpollValues, runMbpoll } from '../../../../../test/peers/mbpoll.js';
import type { ModbusSimulator } from '../../../src/simulator/index.js';
import { FLOAT_ADDRESS } from './plant-config.js';

export function mbpollConversation(
  context: () => { simulator: ModbusSimulator; target: MbpollTarget },
): void {
  const read = async (request: Parameters<typeof runMbpoll>[1]) => {
    const result = await runMbpoll(context().target, request);
    expect(result.exitCode, result.stderr).toBe(0);
    return mbpollValues(result.stdout);
  };

  it('reads holding and input registers, coils and discrete inputs', async () => {
    expect([...(await read({ unitId: 1, address: 0, count: 4 })).values()]).toEqual([
      '100',
      '101',
      '102',
      '103',
    ]);
    expect([...(await read({ unitId: 1, address: 0, count: 3, dataType: '3' })).values()]).toEqual([
      '7',
      '8',
      '9',
    ]);
    expect([...(await read({ unitId: 1, address: 0, count: 4, dataType: '0' })).values()]).toEqual([
      '1',
      '0',
      '1',
      '1',
    ]);
    expect([...(await read({ unitId: 1, address: 0, count: 2, dataType: '1' })).values()]).toEqual([
      '0',
      '1',
    ]);
    expect([...(await read({ unitId: 2, address: 0, count: 2 })).values()]).toEqual(['200', '201']);
  });

  it('writes a holding register and a coil, and reads them back', async () => {
    const { simulator, target } = context();
    const writeRegister = await runMbpoll(target, { unitId: 1, address: 42, write: [4321] });
    expect(writeRegister.exitCode, writeRegister.stderr).toBe(0);
    expect(simulator.getWords(1, 'holdingRegisters', 42, 1)).toEqual([4321]);
    expect((await read({ unitId: 1, address: 42 })).get(42)).toBe('4321');
    const writeCoil = await runMbpoll(target, { unitId: 1, address: 20, dataType: '0', write: [1] });
    expect(writeCoil.exitCode, writeCoil.stderr).toBe(0);
    expect(simulator.getBits(1, 'coils', 20, 1)).toEqual([true]);
    expect((await read({ unitId: 1, address: 20, dataType: '0' })).get(20)).toBe('1');
    const writeMany = await runMbpoll(target, { unitId: 1, address: 60, write: [1, 2, 3] });
    expect(writeMany.exitCode, writeMany.stderr).toBe(0);
    expect(simulator.getWords(1, 'holdingRegisters', 60, 3)).toEqual([1, 2, 3]);
  });

  it('reads floats: big-endian words with -B (ABCD), mbpoll’s default order CDAB without', async () => {
    expect(
      (await read({ unitId: 1, address: FLOAT_ADDRESS, dataType: '4:float', bigEndianWords: true })).get(
        FLOAT_ADDRESS,
      ),
    ).toBe('21.5');
    expect((await read({ unitId: 1, address: 12, dataType: '4:float' })).get(12)).toBe('-3.25');
    const { target, simulator } = context();
    const written = await runMbpoll(target, { unitId: 1, address: 70, dataType: '4:float', write: [-7.5] });
    expect(written.exitCode, written.stderr).toBe(0);
    expect(simulator.readValue(1, 'holdingRegisters', 70, { type: 'float32', wordOrder: 'CDAB' })).toBe(-7.5);
  });

  it('gets exception 2 for an illegal address (exit 1, "Illegal data address")', async () => {
    const result = await runMbpoll(context().target, { unitId: 1, address: 5000 });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/illegal data address/i);
  });

  it('times out on a dead unit while the other unit still answers', async () => {
    const { simulator, target } = context();
    simulator.setFault(2, { kind: 'dead' });
    try {
      const result = await runMbpoll(target, { unitId: 2, address: 0, timeoutSeconds: 0.3 });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/timed out/i);
      expect((await read({ unitId: 1, address: 0 })).get(0)).toBe('100');
    } finally {
      simulator.setFault(2, undefined);
    }
  });
}
