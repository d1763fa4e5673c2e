import type { Origin, YamlPath } from './located-node.js';
import type { MappingIssue } from './mapping-issue.js';
import { safeMessage } from './safe-text.js';
import { REDACTED } from './secret-keys.js';
import type { SourceText } from './source-text.js';

export interface IssueInput {
  readonly origin: Origin;
  readonly message: string;
  readonly expected?: string | undefined;
  /** The device being compiled when the issue was found. */
  readonly device?: string | undefined;
}

interface CollectedIssue {
  readonly origin: Origin;
  readonly message: string;
  readonly expected: string | undefined;
  readonly devices: string[];
}

/** Secrets shorter than this are not scrubbed from messages (they would mangle ordinary words). */
const MIN_SCRUBBED_SECRET_LENGTH = 4;

export interface FinishIssuesOptions {
  /** Whether the node at `path` is shared by several devices (so messages name the devices). */
  readonly isShared: (path: YamlPath) => boolean;
  /** Secret values that must not appear in any message. */
  readonly secrets: Iterable<string>;
}

/**
 * Gathers issues while a mapping compiles. The same problem found for many devices (a template
 * node, an instanced entry) is kept once, with the device ids collected.
 */
export class IssueCollector {
  readonly #issues = new Map<string, CollectedIssue>();
  #added = 0;

  add(input: IssueInput): void {
    this.#added++;
    const key = `${input.origin.offset}\u0000${input.message}\u0000${input.expected ?? ''}`;
    let issue = this.#issues.get(key);
    if (issue === undefined) {
      issue = { origin: input.origin, message: input.message, expected: input.expected, devices: [] };
      this.#issues.set(key, issue);
    }
    if (input.device !== undefined && issue.devices.at(-1) !== input.device) issue.devices.push(input.device);
  }

  /** Issues added so far, repeats included (to tell whether a step found any). */
  get added(): number {
    return this.#added;
  }

  get size(): number {
    return this.#issues.size;
  }

  /** The issues in file order, located, with secrets scrubbed and control characters escaped. */
  finish(source: SourceText, options: FinishIssuesOptions): MappingIssue[] {
    const secrets = [...new Set(options.secrets)]
      .filter((secret) => secret.length >= MIN_SCRUBBED_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
    const scrub = (text: string): string =>
      safeMessage(secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text));
    const file = safeMessage(source.file);
    return [...this.#issues.values()]
      .sort((a, b) => a.origin.offset - b.origin.offset || compareText(a.message, b.message))
      .map((issue) => {
        const { line, column } = source.position(issue.origin.offset);
        const located: MappingIssue = {
          file,
          line,
          column,
          path: issue.origin.path,
          message: scrub(issue.message),
        };
        const withExpected =
          issue.expected === undefined ? located : { ...located, expected: scrub(issue.expected) };
        return issue.devices.length > 0 && options.isShared(issue.origin.path)
          ? { ...withExpected, devices: issue.devices.map(safeMessage) }
          : withExpected;
      });
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
