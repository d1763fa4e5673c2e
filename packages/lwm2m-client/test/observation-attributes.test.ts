import { LwM2mPath } from '@lwm2m-adapters/lwm2m-core';
import { describe, expect, it } from 'vitest';
import { AttributeStore } from '../src/observe/attribute-store.js';
import {
  applyAttributeUpdate,
  attributesProblem,
  effectiveMaxPeriod,
  parseAttributeQuery,
} from '../src/observe/observation-attributes.js';

describe('parseAttributeQuery', () => {
  it('parses periods, thresholds and unsets', () => {
    const parsed = parseAttributeQuery(['pmin=10', 'pmax=60', 'gt=30.5', 'lt=-2e1', 'st', 'epmax=0']);
    expect(parsed.ok && [...parsed.update]).toEqual([
      ['pmin', 10],
      ['pmax', 60],
      ['gt', 30.5],
      ['lt', -20],
      ['st', undefined],
      ['epmax', 0],
    ]);
  });

  it.each([
    [[]],
    [['pmin=-1']],
    [['pmax=1.5']],
    [['pmin=2147483648']],
    [['gt=']],
    [['gt=0x10']],
    [['con=1']],
    [['PMIN=1']],
  ])('rejects %j', (query) => {
    expect(parseAttributeQuery(query).ok).toBe(false);
  });
});

describe('attribute rules', () => {
  it('checks lt < gt, lt + 2*st < gt, st >= 0 and numeric targets', () => {
    expect(attributesProblem({ gt: 10, lt: 2, st: 3 }, true)).toBeUndefined();
    expect(attributesProblem({ gt: 10, lt: 2, st: 4 }, true)).toMatch(/2\*st/);
    expect(attributesProblem({ gt: 2, lt: 2 }, true)).toMatch(/lt must be less/);
    expect(attributesProblem({ st: -1 }, true)).toMatch(/negative/);
    expect(attributesProblem({ gt: 1 }, false)).toMatch(/numeric/);
    expect(attributesProblem({ pmin: 60, pmax: 10 }, false)).toMatch(/pmin/);
    expect(attributesProblem({ epmin: 60, epmax: 10 }, false)).toMatch(/epmin/);
    expect(attributesProblem({ pmin: 60, pmax: 0 }, false)).toBeUndefined();
    expect(attributesProblem({ pmin: 10, pmax: 10 }, false)).toBeUndefined();
  });

  it('ignores pmax when it is 0 or below pmin', () => {
    expect(effectiveMaxPeriod({ pmin: 60, pmax: 10 })).toBeUndefined();
    expect(effectiveMaxPeriod({ pmax: 0 })).toBeUndefined();
    expect(effectiveMaxPeriod({ pmin: 5, pmax: 10 })).toBe(10);
  });

  it('applies updates and unsets', () => {
    expect(
      applyAttributeUpdate(
        { pmin: 1, gt: 3 },
        new Map([
          ['gt', undefined],
          ['pmax', 9],
        ]),
      ),
    ).toEqual({ pmin: 1, pmax: 9 });
  });
});

describe('AttributeStore', () => {
  it('merges defaults, object, instance, resource and resource instance in that order', () => {
    const store = new AttributeStore();
    store.set(LwM2mPath.parse('/3303'), { pmin: 1, pmax: 100 });
    store.set(LwM2mPath.parse('/3303/0'), { pmax: 50 });
    store.set(LwM2mPath.parse('/3303/0/5700'), { gt: 3 });
    store.set(LwM2mPath.parse('/dev0/3303/0/5700'), { pmin: 9 });
    expect(store.effective(LwM2mPath.parse('/3303/0/5700'), { pmin: 0, pmax: 300 })).toEqual({
      pmin: 1,
      pmax: 50,
      gt: 3,
    });
    expect(store.effective(LwM2mPath.parse('/3303/1'), { pmax: 300 })).toEqual({ pmin: 1, pmax: 100 });
    expect(store.effective(LwM2mPath.parse('/dev0/3303/0/5700'), {})).toEqual({ pmin: 9 });
    store.removeUnder(LwM2mPath.parse('/3303/0'));
    expect(store.attached(LwM2mPath.parse('/3303/0/5700'))).toEqual({});
    expect(store.attached(LwM2mPath.parse('/3303'))).toEqual({ pmin: 1, pmax: 100 });
    store.removeUnder(LwM2mPath.parse('/dev0'));
    expect(store.size).toBe(1);
  });

  it('is bounded', () => {
    const store = new AttributeStore(1);
    store.set(LwM2mPath.parse('/3/0'), { pmin: 1 });
    expect(store.canAttach(LwM2mPath.parse('/3/0'))).toBe(true);
    expect(store.canAttach(LwM2mPath.parse('/1/0'))).toBe(false);
  });
});
