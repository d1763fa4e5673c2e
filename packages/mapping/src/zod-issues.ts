import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import { allowedKeysAt } from './json-schema-keys.js';
import type { JsonObject } from './json-value.js';
import {
  followPath,
  type LocatedNode,
  type LocatedScalar,
  type Origin,
  originOfTarget,
  type PathTarget,
  toPlain,
} from './located-node.js';
import { quote } from './safe-text.js';

type ZodIssue = z.core.$ZodIssue;

/** What a zod validation ran on, so its issues can be located and worded. */
export interface ValidationTarget {
  /** The validated node; undefined when absent from the document. */
  readonly root: LocatedNode | undefined;
  /** Where issues point when the root is absent. */
  readonly rootOrigin: Origin;
  /** Field names leading to the root, for messages (`['connection']`, `['source']`, `[]`). */
  readonly fieldPrefix: readonly (string | number)[];
  /** What the issue concerns, printed first (`/3303/0/5700`). */
  readonly subject?: string | undefined;
  /** Whether the value at a path (relative to root) is a secret that must not be shown. */
  readonly isSecret?: ((path: readonly PropertyKey[]) => boolean) | undefined;
  /** JSON Schema of the validating zod schema, for listing allowed keys. */
  readonly jsonSchema?: JsonObject | undefined;
  /** The device being compiled. */
  readonly device?: string | undefined;
}

/** Outcome of parsing a located node with a zod schema. */
export type LocatedParse<T> = { readonly ok: true; readonly data: T } | { readonly ok: false };

/**
 * Parses `target.root` with `schema`, reporting every issue located and worded. Where the schema
 * wants text but YAML (or a single `${...}` reference) typed the value as a number or boolean, the
 * text as written is used instead (`id: 42`, `serial: 0012`, `unitId: "${UNIT}"`).
 */
export function parseLocated<T>(
  schema: z.ZodType<T>,
  target: ValidationTarget,
  issues: IssueCollector,
): LocatedParse<T> {
  const root = target.root;
  let plain: unknown = root === undefined ? undefined : toPlain(root);
  let result = schema.safeParse(plain);
  if (!result.success && root !== undefined) {
    let retyped = false;
    for (const issue of result.error.issues) {
      if (issue.code !== 'invalid_type' || issue.expected !== 'string') continue;
      const found = followPath(root, issue.path);
      const text = found.complete && found.node.kind === 'scalar' ? textAsWritten(found.node) : undefined;
      if (text === undefined) continue;
      plain = setAtPath(plain, issue.path, text);
      retyped = true;
    }
    if (retyped) result = schema.safeParse(plain);
  }
  if (result.success) return { ok: true, data: result.data };
  for (const issue of result.error.issues) reportZodIssue(issue, [], target, issues);
  return { ok: false };
}

/**
 * The text of a scalar that YAML or a `${...}` reference typed as a number or boolean (`0012`,
 * `42`, `${UNIT}`), for places where the schema wants text.
 */
function textAsWritten(node: LocatedScalar): string | undefined {
  if (typeof node.value !== 'number' && typeof node.value !== 'boolean') return undefined;
  if (node.substitution?.typed === true) return node.substitution.text;
  return node.plainText;
}

function setAtPath(root: unknown, path: readonly PropertyKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<PropertyKey, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<PropertyKey, unknown>;
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
  return root;
}

/** `connection.port`, `source.registers[2]`, `points["/3303/0/5700"]`. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][\w-]*$/.test(segment))
      out += out === '' ? segment : `.${segment}`;
    else out += `[${quote(String(segment))}]`;
  }
  return out;
}

/** A short, safe rendering of a value for messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return quote(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null (empty)';
  if (value instanceof Uint8Array) return 'binary data';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const TYPE_TEXT: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  null: 'null',
  undefined: 'nothing',
};

function typeText(expected: string): string {
  return TYPE_TEXT[expected] ?? expected;
}

function customExpected(message: string): string | undefined {
  return message.startsWith('expected ') ? message.slice('expected '.length) : undefined;
}

function listOptions(values: readonly unknown[]): string {
  const shown = values.slice(0, 30).map((v) => (typeof v === 'string' ? v : describeValue(v)));
  const more = values.length > 30 ? `, ... (${values.length - 30} more)` : '';
  return values.length === 1 ? (shown[0] ?? '') : `one of ${shown.join(', ')}${more}`;
}

interface IssueContext {
  readonly found: PathTarget | undefined;
  readonly field: string;
  readonly valueText: string | undefined;
  readonly origin: Origin;
}

function contextOf(path: readonly PropertyKey[], target: ValidationTarget): IssueContext {
  const found = target.root === undefined ? undefined : followPath(target.root, path);
  const field = formatFieldPath([...target.fieldPrefix, ...path]) || 'the document';
  const present = found?.complete === true;
  const secret =
    target.isSecret?.(path) === true ||
    (found?.node.kind === 'scalar' && found.node.substitution?.secret === true);
  const valueText =
    present && found !== undefined && !secret ? describeValue(toPlain(found.node)) : present ? '' : undefined;
  const atRoot =
    found !== undefined && found.node === target.root && found.entry === undefined && !found.complete;
  const origin = found === undefined || atRoot ? target.rootOrigin : originOfTarget(found);
  return { found, field, valueText, origin };
}

function subjectPrefix(target: ValidationTarget): string {
  return target.subject === undefined ? '' : `${target.subject}: `;
}

/** `field "value" is not valid` or `field is required` when the value is absent. */
function notValid(context: IssueContext): string {
  if (context.valueText === undefined) return `${context.field} is required`;
  return context.valueText === ''
    ? `${context.field} is not valid`
    : `${context.field} ${context.valueText} is not valid`;
}

function reportZodIssue(
  issue: ZodIssue,
  basePath: readonly PropertyKey[],
  target: ValidationTarget,
  issues: IssueCollector,
): void {
  const path = [...basePath, ...issue.path];
  const context = contextOf(path, target);
  const node = context.found?.complete === true ? context.found.node : undefined;
  // An unresolved ${...} was reported already; its placeholder text would only add noise.
  if (node?.kind === 'scalar' && node.substitution?.unresolved === true) return;
  const add = (message: string, expected?: string, origin: Origin = context.origin): void => {
    issues.add({ origin, message: `${subjectPrefix(target)}${message}`, expected, device: target.device });
  };
  const custom = customExpected(issue.message);
  switch (issue.code) {
    case 'invalid_type':
      add(notValid(context), custom ?? typeText(issue.expected));
      return;
    case 'invalid_value': {
      const options = issue.values;
      const typo =
        context.found?.complete === true &&
        context.found.node.kind === 'scalar' &&
        typeof context.found.node.value === 'string'
          ? didYouMean(
              context.found.node.value,
              options.filter((v): v is string => typeof v === 'string'),
            )
          : '';
      add(notValid(context), custom ?? `${listOptions(options)}${typo}`);
      return;
    }
    case 'unrecognized_keys': {
      const parent = target.root === undefined ? undefined : followPath(target.root, path);
      const input = target.root === undefined ? undefined : toPlain(target.root);
      const allowed =
        target.jsonSchema === undefined ? undefined : allowedKeysAt(target.jsonSchema, path, input);
      for (const key of issue.keys) {
        const entry =
          parent?.complete === true && parent.node.kind === 'map' ? parent.node.entries.get(key) : undefined;
        const field = formatFieldPath([...target.fieldPrefix, ...path, key]);
        const expected =
          allowed === undefined ? undefined : `one of ${allowed.join(', ')}${didYouMean(key, allowed)}`;
        add(`${field} is not a known setting`, expected, entry?.keyOrigin ?? context.origin);
      }
      return;
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const options = 'options' in issue && issue.options !== undefined ? issue.options : [];
        add(
          notValid(context),
          custom ?? (options.length > 0 ? listOptions(options) : 'a single matching form'),
        );
        return;
      }
      const best = bestBranch(issue.errors);
      if (best !== undefined && custom === undefined) {
        for (const inner of best) reportZodIssue(inner, path, target, issues);
        return;
      }
      const forms = new Set<string>();
      for (const branch of issue.errors) {
        for (const inner of branch) {
          if (inner.path.length === 0 && inner.code === 'invalid_type') forms.add(typeText(inner.expected));
        }
      }
      add(
        notValid(context),
        custom ?? (forms.size > 0 ? [...forms].join(' or ') : 'one of the allowed forms'),
      );
      return;
    }
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const limit = big ? issue.maximum : issue.minimum;
      const [word, unit] = boundWords(issue.origin, big);
      const bound =
        issue.exact === true
          ? 'exactly'
          : issue.inclusive === false
            ? big
              ? 'less than'
              : 'more than'
            : big
              ? 'at most'
              : 'at least';
      const shown =
        context.valueText === undefined || context.valueText === '' ? '' : ` ${context.valueText}`;
      add(`${context.field}${shown} is ${word}`, custom ?? `${bound} ${String(limit)}${unit}`);
      return;
    }
    case 'invalid_format':
      add(
        notValid(context),
        custom ??
          (issue.pattern === undefined ? `a valid ${issue.format}` : `text matching ${issue.pattern}`),
      );
      return;
    case 'not_multiple_of':
      add(notValid(context), custom ?? `a multiple of ${issue.divisor}`);
      return;
    case 'invalid_key': {
      const inner = issue.issues[0];
      const innerExpected = inner === undefined ? undefined : customExpected(inner.message);
      const pattern =
        inner?.code === 'invalid_format' && inner.pattern !== undefined
          ? `a key matching ${inner.pattern}`
          : undefined;
      const keyOrigin = context.found?.entry?.keyOrigin ?? context.origin;
      add(`${context.field} is not a valid key`, innerExpected ?? pattern, keyOrigin);
      return;
    }
    case 'invalid_element':
      for (const inner of issue.issues) reportZodIssue(inner, path, target, issues);
      return;
    case 'custom':
      if (custom !== undefined) add(notValid(context), custom);
      else add(`${notValid(context)}: ${issue.message}`);
      return;
  }
}

function boundWords(origin: string, big: boolean): [string, string] {
  switch (origin) {
    case 'string':
      return [big ? 'too long' : 'too short', ' characters'];
    case 'array':
    case 'set':
      return [big ? 'too long' : 'too short', ' items'];
    default:
      return [big ? 'too large' : 'too small', ''];
  }
}

/** The union branch that got furthest: every issue below the union's own level, fewest issues. */
function bestBranch(branches: readonly (readonly ZodIssue[])[]): readonly ZodIssue[] | undefined {
  let best: readonly ZodIssue[] | undefined;
  for (const branch of branches) {
    if (
      branch.length === 0 ||
      branch.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type')
    ) {
      continue;
    }
    if (best === undefined || branch.length < best.length) best = branch;
  }
  return best;
}
