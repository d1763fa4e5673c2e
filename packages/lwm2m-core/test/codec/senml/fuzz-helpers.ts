import { isCodedError } from '@lwm2m-adapters/errors';

/**
 * Wraps decoders so that a CodedError outside the CODEC_* family (a model error leaking through)
 * fails the fuzz run like any non-coded error; the decoders are used in turn, one per input.
 */
export function rotatingDecoder(
  decoders: readonly ((input: Uint8Array) => unknown)[],
): (input: Uint8Array) => unknown {
  let next = 0;
  return (input) => {
    const decode = decoders[next++ % decoders.length]!;
    try {
      return decode(input);
    } catch (err) {
      if (isCodedError(err) && !err.code.startsWith('CODEC_')) {
        throw new Error(`decoder threw ${err.code} (not a codec error): ${err.message}`, { cause: err });
      }
      throw err;
    }
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values that stress SenML JSON decoders: wrong kinds, huge and exact-integer numbers, odd names. */
function randomJson(rand: () => number, depth = 0): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  switch (Math.floor(rand() * (depth > 1 ? 6 : 8))) {
    case 0:
      return pick([
        0,
        -0,
        1,
        -1,
        1.5,
        22.5,
        2 ** 53 + 2,
        -(2 ** 63),
        2 ** 64,
        1e300,
        268435455,
        1718000000,
        65535,
      ]);
    case 1:
      return pick([
        '',
        '/',
        '/3303/0/',
        '5700',
        '/3/0/7/1',
        '7/0',
        '/dev0/3303/0/',
        'x',
        '66:0',
        '-_8A',
        '+/8=',
        'ab$c',
        '//9',
        '/65535',
        '/dev0',
        'é',
      ]);
    case 2:
      return rand() < 0.5;
    case 3:
      return null;
    case 4:
      return Math.floor(rand() * 100000) - 50000;
    case 5:
      return `/${Math.floor(rand() * 70000)}/${Math.floor(rand() * 3)}/${Math.floor(rand() * 70000)}`;
    case 6:
      return [randomJson(rand, depth + 1), randomJson(rand, depth + 1)];
    default:
      return { [pick(LABELS)]: randomJson(rand, depth + 1) };
  }
}

const LABELS = [
  'bn',
  'bt',
  'bv',
  'bver',
  'n',
  'u',
  'v',
  'vs',
  'vb',
  'vd',
  'vlo',
  's',
  't',
  'bu',
  'bs',
  'ut',
  'sv',
  'ov',
  'e',
  'foo',
  'x_',
  '__proto__',
  'constructor',
] as const;

/** Raw number tokens JSON.stringify never writes, spliced into the text. */
const NUMBER_TOKENS = [
  '18446744073709551616',
  '9223372036854775808',
  '-9223372036854775809',
  '1e400',
  '-0',
  '1.8446744073709551615e19',
  '0.5e-400',
  '1E2',
  '12345678901234567890123',
];

/** One structural mutation of a JSON value (records, labels, values), then maybe a textual one. */
export function mutateJsonText(rand: () => number, seed: string): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const root = JSON.parse(seed) as Json;
  const containers: (Json[] | { [key: string]: Json })[] = [];
  const collect = (v: Json) => {
    if (Array.isArray(v)) {
      containers.push(v);
      v.forEach(collect);
    } else if (v !== null && typeof v === 'object') {
      containers.push(v);
      Object.values(v).forEach(collect);
    }
  };
  collect(root);
  const rounds = 1 + Math.floor(rand() * 3);
  for (let r = 0; r < rounds && containers.length > 0; r++) {
    const target = pick(containers);
    if (Array.isArray(target)) {
      const i = Math.floor(rand() * (target.length + 1));
      switch (Math.floor(rand() * 4)) {
        case 0:
          target.splice(i, 1);
          break;
        case 1:
          if (target.length > 0) target.splice(i, 0, structuredClone(pick(target)));
          break;
        case 2:
          target.reverse();
          break;
        default:
          target.splice(i, 0, randomJson(rand));
      }
    } else {
      const keys = Object.keys(target);
      switch (Math.floor(rand() * 3)) {
        case 0:
          if (keys.length > 0) delete target[pick(keys)];
          break;
        case 1:
          target[pick(LABELS)] = randomJson(rand);
          break;
        default:
          if (keys.length > 0) target[pick(keys)] = randomJson(rand);
      }
    }
  }
  let text = JSON.stringify(root);
  if (rand() < 0.2) {
    const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
    const m = numbers.length > 0 ? pick(numbers) : undefined;
    if (m?.index !== undefined)
      text = text.slice(0, m.index) + pick(NUMBER_TOKENS) + text.slice(m.index + m[0].length);
  }
  return text;
}
