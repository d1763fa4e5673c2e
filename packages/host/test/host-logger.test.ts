/**
 * The host's logger: human lines when pretty (a terminal), one JSON object per line otherwise, both
 * written through the command's output.
 */
import { describe, expect, it } from 'vitest';
import { createHostLogger } from '../src/cli/host-logger.js';

function capture() {
  const lines: string[] = [];
  return {
    lines,
    out: { stdout: (text: string) => lines.push(text), stderr: (text: string) => lines.push(text) },
  };
}

describe('createHostLogger', () => {
  it('writes human-readable lines when pretty, without colours off a terminal', () => {
    const { lines, out } = capture();
    const logger = createHostLogger('info', 'pretty', out, false);
    logger.info({ device: 'press-1', points: 12 }, 'device connected');
    logger.debug({}, 'below the level');
    const text = lines.join('');
    expect(text).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: device connected \{"device":"press-1","points":12\}\n$/,
    );
    expect(text).not.toContain('below the level');
    expect(text).not.toContain('\u001b['); // no ANSI colours
  });

  it('writes one line per event, a field given twice under two names once', () => {
    const { lines, out } = capture();
    const logger = createHostLogger('info', 'pretty', out, false).child({ device: 'press-1' });
    logger.warn({ deviceId: 'press-1', point: '/3303/0/5700', code: 'DEVICE_TIMEOUT' }, 'point read failed');
    logger.error({ deviceId: 'press-2' }, 'another device');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\[[\d:.]+\] WARN: point read failed \{"device":"press-1","point":"\/3303\/0\/5700","code":"DEVICE_TIMEOUT"\}\n$/,
    );
    // different values are two facts: both stay
    expect(lines[1]).toContain('"device":"press-1","deviceId":"press-2"');
  });

  it('writes one JSON object per line when json, or auto off a terminal', () => {
    for (const format of ['json', 'auto'] as const) {
      const { lines, out } = capture();
      const logger = createHostLogger('info', format, out, false);
      logger.warn({ device: 'press-1' }, 'device connection lost');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        level: 40,
        name: 'adapter-host',
        device: 'press-1',
        msg: 'device connection lost',
      });
    }
  });
});
