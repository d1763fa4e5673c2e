import { CodedError } from '@lwm2m-adapters/errors';
import { describe, expect, it } from 'vitest';
import { ExchangeDeadline } from '../../src/link/exchange-deadline.js';

const timeout = () => new CodedError('DEVICE_TIMEOUT', 'no reply within 10 ms');

describe('ExchangeDeadline', () => {
  it('tells its listener once, with the reason, and keeps the reason', () => {
    const deadline = new ExchangeDeadline();
    const told: CodedError[] = [];
    deadline.onExpire((reason) => told.push(reason));
    expect(deadline.reason).toBeUndefined();
    const reason = timeout();
    deadline.expire(reason);
    deadline.expire(timeout());
    expect(told).toEqual([reason]);
    expect(deadline.reason).toBe(reason);
  });

  it('tells a listener added after expiry at once', () => {
    const deadline = new ExchangeDeadline();
    const reason = timeout();
    deadline.expire(reason);
    const told: CodedError[] = [];
    deadline.onExpire((r) => told.push(r));
    expect(told).toEqual([reason]);
  });

  it('tells nobody once the listener is removed (the reply came first)', () => {
    const deadline = new ExchangeDeadline();
    const told: CodedError[] = [];
    deadline.onExpire((r) => told.push(r));
    deadline.onExpire(undefined);
    deadline.expire(timeout());
    expect(told).toEqual([]);
  });

  it('holds one listener: a later one replaces the earlier', () => {
    const deadline = new ExchangeDeadline();
    const told: string[] = [];
    deadline.onExpire(() => told.push('first'));
    deadline.onExpire(() => told.push('second'));
    deadline.expire(timeout());
    expect(told).toEqual(['second']);
  });
});
