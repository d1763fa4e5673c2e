import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import {
  type LocatedEntry,
  type LocatedMap,
  type LocatedNode,
  type LocatedScalar,
  makeMap,
  makeScalar,
  makeSeq,
  type ScalarValue,
} from './located-node.js';
import { isSecretName } from './secret-keys.js';
import { parseTemplate } from './variable-reference.js';

export type VariableValue = string | number;

/** Where `${NAME}` references are looked up: instance variables first, then the environment. */
export interface VariableScope {
  readonly instance: Readonly<Record<string, VariableValue>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The device the substitution is for (issues name it). */
  readonly device?: string | undefined;
  /** Values of secret-looking variables are added here (to be kept out of messages). */
  readonly secrets: Set<string>;
  /**
   * Instance variables whose values are unknown because the entry's `instances` is invalid
   * (reported): references to them are left unresolved without an issue of their own. `all` when
   * not even their names are known.
   */
  readonly unknownInstanceVariables?: ReadonlySet<string> | 'all' | undefined;
}

/**
 * Replaces `${NAME}` / `${NAME:-default}` / `$${` in every string scalar under `node`. A scalar
 * that is exactly one reference takes the variable's type: instance variables keep numbers, and
 * text that is a canonical number or `true`/`false` becomes one (the compiler turns it back into
 * text where a string is expected). Unset variables without default are reported where they are used.
 */
export function substituteVariables(
  node: LocatedMap,
  scope: VariableScope,
  issues: IssueCollector,
): LocatedMap;
export function substituteVariables(
  node: LocatedNode,
  scope: VariableScope,
  issues: IssueCollector,
): LocatedNode;
export function substituteVariables(
  node: LocatedNode,
  scope: VariableScope,
  issues: IssueCollector,
): LocatedNode {
  if (!node.hasReferences) return node;
  switch (node.kind) {
    case 'scalar':
      return substituteScalar(node, scope, issues);
    case 'seq':
      return makeSeq(
        node.origin,
        node.items.map((item) => substituteVariables(item, scope, issues)),
      );
    case 'map': {
      const entries = new Map<string, LocatedEntry>();
      for (const [key, entry] of node.entries) {
        entries.set(key, { ...entry, value: substituteVariables(entry.value, scope, issues) });
      }
      return makeMap(node.origin, entries);
    }
  }
}

function substituteScalar(node: LocatedScalar, scope: VariableScope, issues: IssueCollector): LocatedNode {
  if (typeof node.value !== 'string') return node;
  const parsed = parseTemplate(node.value);
  if (!parsed.ok) {
    issues.add({
      origin: node.origin,
      message: parsed.message,
      expected: `\${NAME}, \${NAME:-default}, or $\${ for a literal \${`,
      device: scope.device,
    });
    return unresolved(node);
  }
  let text = '';
  let secret = false;
  let single: VariableValue | undefined;
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const value = lookUp(part.name, part.fallback, scope);
    if (value === undefined && isUnknownInstanceVariable(part.name, scope)) return unresolved(node);
    if (value === undefined) {
      issues.add({
        origin: node.origin,
        message: `variable ${part.name} is not set`,
        expected: expectedFor(part.name, scope),
        device: scope.device,
      });
      return unresolved(node);
    }
    if (isSecretName(part.name)) {
      secret = true;
      scope.secrets.add(String(value));
    }
    text += String(value);
    single = value;
  }
  const isSingleReference = parsed.parts.length === 1 && parsed.parts[0]?.kind === 'reference';
  const typedValue = isSingleReference && !secret && single !== undefined ? typed(single) : undefined;
  const value: ScalarValue = typedValue ?? text;
  return makeScalar(node.origin, value, undefined, { text, typed: typedValue !== undefined, secret });
}

function unresolved(node: LocatedScalar): LocatedScalar {
  return makeScalar(node.origin, node.value, undefined, {
    text: String(node.value),
    typed: false,
    secret: false,
    unresolved: true,
  });
}

function isUnknownInstanceVariable(name: string, scope: VariableScope): boolean {
  const unknown = scope.unknownInstanceVariables;
  return unknown === 'all' || unknown?.has(name) === true;
}

function lookUp(name: string, fallback: string | undefined, scope: VariableScope): VariableValue | undefined {
  const value = Object.hasOwn(scope.instance, name) ? scope.instance[name] : scope.env[name];
  if (fallback !== undefined && (value === undefined || value === '')) return fallback;
  return value;
}

function typed(value: VariableValue): number | boolean | undefined {
  if (typeof value === 'number') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  const number = Number(value);
  return value !== '' && Number.isFinite(number) && String(number) === value ? number : undefined;
}

function expectedFor(name: string, scope: VariableScope): string {
  return `an environment variable ${name}, or a default: \${${name}:-value}${didYouMean(name, Object.keys(scope.instance))}`;
}
