/**
 * Notification attributes (Core TS 1.1 §5.1.2): pmin/pmax (seconds between notifications),
 * gt/lt (thresholds), st (step), epmin/epmax (evaluation periods: how often to sample).
 */
export interface ObservationAttributes {
  readonly pmin?: number;
  readonly pmax?: number;
  readonly gt?: number;
  readonly lt?: number;
  readonly st?: number;
  readonly epmin?: number;
  readonly epmax?: number;
}

export type ObservationAttributeName = keyof ObservationAttributes;

export const OBSERVATION_ATTRIBUTE_NAMES: readonly ObservationAttributeName[] = [
  'pmin',
  'pmax',
  'gt',
  'lt',
  'st',
  'epmin',
  'epmax',
];

const PERIOD_ATTRIBUTES = new Set<string>(['pmin', 'pmax', 'epmin', 'epmax']);
const NUMERIC_ATTRIBUTES = new Set<string>(['gt', 'lt', 'st']);
/** Largest period accepted, in seconds (about 68 years, so periods fit 32-bit integers). */
export const MAX_PERIOD_SECONDS = 2 ** 31 - 1;
const PERIOD_RE = /^\d{1,10}$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/;

/** A Write-Attributes request: a value sets an attribute, `undefined` unsets it (`?pmin`). */
export type AttributeUpdate = ReadonlyMap<ObservationAttributeName, number | undefined>;

export type AttributeParseResult =
  | { readonly ok: true; readonly update: AttributeUpdate }
  | { readonly ok: false; readonly reason: string };

function isAttributeName(name: string): name is ObservationAttributeName {
  return PERIOD_ATTRIBUTES.has(name) || NUMERIC_ATTRIBUTES.has(name);
}

/**
 * Parses the Uri-Query of a Write-Attributes request (`pmin=10`, `gt=30.5`, `st` to unset).
 * Rejected: unknown or read-only attributes (dim, ver...), a name given twice, periods that are
 * not integers 0..2^31-1, thresholds that are not finite decimal numbers.
 */
export function parseAttributeQuery(query: readonly string[]): AttributeParseResult {
  const update = new Map<ObservationAttributeName, number | undefined>();
  if (query.length === 0) return { ok: false, reason: 'no attribute given' };
  for (const item of query) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const text = eq < 0 ? undefined : item.slice(eq + 1);
    if (!isAttributeName(name)) {
      return { ok: false, reason: `attribute ${JSON.stringify(name.slice(0, 20))} cannot be written` };
    }
    if (update.has(name)) return { ok: false, reason: `attribute ${name} is given twice` };
    if (text === undefined) {
      update.set(name, undefined);
      continue;
    }
    if (PERIOD_ATTRIBUTES.has(name)) {
      const n = PERIOD_RE.test(text) ? Number(text) : Number.NaN;
      if (!(n <= MAX_PERIOD_SECONDS)) {
        return { ok: false, reason: `${name} must be an integer 0..${MAX_PERIOD_SECONDS} seconds` };
      }
      update.set(name, n);
    } else {
      const n = NUMBER_RE.test(text) ? Number(text) : Number.NaN;
      if (!Number.isFinite(n)) return { ok: false, reason: `${name} must be a decimal number` };
      update.set(name, n);
    }
  }
  return { ok: true, update };
}

/** Attributes after an update (unset names removed). */
export function applyAttributeUpdate(
  current: ObservationAttributes,
  update: AttributeUpdate,
): ObservationAttributes {
  const next: Partial<Record<ObservationAttributeName, number>> = { ...current };
  for (const [name, value] of update) {
    if (value === undefined) delete next[name];
    else next[name] = value;
  }
  return next;
}

export function hasNumericConditions(attributes: ObservationAttributes): boolean {
  return attributes.gt !== undefined || attributes.lt !== undefined || attributes.st !== undefined;
}

/**
 * Why a set of periods is inconsistent, or undefined: pmin > pmax or epmin > epmax, a maximum of 0
 * meaning "none" (Core §5.1.2: the maximum must not be below the minimum; servers and clients such
 * as Leshan and Anjay answer 4.00). Check the attributes in effect at a path (its own merged over
 * its parents'), so that a Write-Attributes at one level cannot contradict another.
 */
export function periodsProblem(attributes: ObservationAttributes): string | undefined {
  const { pmin, pmax, epmin, epmax } = attributes;
  if (pmin !== undefined && pmax !== undefined && pmax !== 0 && pmin > pmax) {
    return `pmin ${pmin} is greater than pmax ${pmax}`;
  }
  if (epmin !== undefined && epmax !== undefined && epmax !== 0 && epmin > epmax) {
    return `epmin ${epmin} is greater than epmax ${epmax}`;
  }
  return undefined;
}

/**
 * Why attributes attached at one path are inconsistent, or undefined:
 * - gt, lt and st only attach to a numeric single resource or resource instance;
 * - st must be >= 0; lt < gt; and lt + 2*st < gt when all three are set;
 * - pmin <= pmax and epmin <= epmax (a maximum of 0 means none), see `periodsProblem`.
 */
export function attributesProblem(
  attributes: ObservationAttributes,
  numericTarget: boolean,
): string | undefined {
  if (hasNumericConditions(attributes) && !numericTarget) {
    return 'gt, lt and st apply only to a numeric single resource or resource instance';
  }
  const periods = periodsProblem(attributes);
  if (periods !== undefined) return periods;
  const { gt, lt, st } = attributes;
  if (st !== undefined && st < 0) return 'st must not be negative';
  if (gt !== undefined && lt !== undefined) {
    if (!(lt < gt)) return 'lt must be less than gt';
    if (st !== undefined && !(lt + 2 * st < gt)) return 'lt + 2*st must be less than gt';
  }
  return undefined;
}

/** Merges attribute layers, lowest precedence first (defaults, object, instance, resource, resource instance). */
export function mergeAttributes(layers: readonly ObservationAttributes[]): ObservationAttributes {
  return Object.assign({}, ...layers) as ObservationAttributes;
}

/** pmax to honour: absent when unset, 0, or below pmin (which a default from /1 can still cause). */
export function effectiveMaxPeriod(attributes: ObservationAttributes): number | undefined {
  const { pmin, pmax } = attributes;
  if (pmax === undefined || pmax === 0) return undefined;
  if (pmin !== undefined && pmax < pmin) return undefined;
  return pmax;
}

/** epmax to honour: absent when unset, 0, or below epmin. */
export function effectiveMaxEvaluationPeriod(attributes: ObservationAttributes): number | undefined {
  const { epmin, epmax } = attributes;
  if (epmax === undefined || epmax === 0) return undefined;
  if (epmin !== undefined && epmax < epmin) return undefined;
  return epmax;
}
