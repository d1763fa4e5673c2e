import { Composer, type CST, type Document, Parser, type YAMLError } from 'yaml';
import type { SourceText } from './source-text.js';

/** Deepest nesting of collections (maps and lists) a mapping may have; a mapping needs about 8. */
export const MAX_NESTING_DEPTH = 64;

/** A YAML problem at an offset of the mapping file. */
export interface YamlProblem {
  readonly offset: number;
  readonly message: string;
  readonly expected?: string;
}

export interface ParsedYamlText {
  /** The document; undefined when it was not composed (nesting too deep). */
  readonly document: Document.Parsed | undefined;
  readonly problems: readonly YamlProblem[];
  /** The text is not well-formed YAML (as opposed to exceeding a limit of ours). */
  readonly syntaxError: boolean;
}

/**
 * Parses YAML text that starts at `base` in `source` (offsets in problems and nodes are shifted by
 * the caller: problems here are absolute). Before a document is composed its syntax tree is
 * checked: nesting deeper than MAX_NESTING_DEPTH is refused (instead of overflowing the stack), a
 * { or [ that is not closed is reported at its opening, and a second document names its `---`.
 */
export function parseYamlText(source: SourceText, text: string, base: number): ParsedYamlText {
  const parser = new Parser();
  const composer = new Composer({ merge: true, uniqueKeys: false, keepSourceTokens: false });
  let document: Document.Parsed | undefined;
  const structural: YamlProblem[] = [];
  let documents = 0;
  let composed = true;
  /** Problems the YAML library finds after an unclosed { or [ follow from it. */
  let cutoff = Number.POSITIVE_INFINITY;
  for (const token of parser.parse(text)) {
    if (token.type === 'document') {
      documents++;
      if (documents > 1) {
        for (const done of composer.end(false, token.offset)) document ??= done;
        structural.push(secondDocument(source, token, base));
        break;
      }
      const found = checkStructure(token);
      if (found.tooDeep !== undefined) {
        structural.push({
          offset: base + found.tooDeep,
          message: `nesting deeper than ${MAX_NESTING_DEPTH} levels`,
        });
        composed = false;
        continue;
      }
      for (const opener of found.unclosed) {
        structural.push({
          offset: base + opener.offset,
          message: `YAML: this ${opener.opening} is not closed`,
          expected: CLOSING_EXPECTED[opener.opening],
        });
        cutoff = Math.min(cutoff, opener.offset);
      }
    }
    for (const done of composer.next(token)) document ??= done;
  }
  if (documents <= 1 && composed) for (const done of composer.end(true, text.length)) document ??= done;
  if (!composed) return { document: undefined, problems: structural, syntaxError: false };
  const reported = document === undefined ? [] : [...document.errors, ...document.warnings];
  const problems = [...structural];
  // A syntax error often cascades into more on the same line; the first one says what is wrong.
  const reportedLines = new Set(structural.map((problem) => source.position(problem.offset).line));
  for (const problem of reported) {
    if (problem.pos[0] >= cutoff) continue;
    const offset = base + problem.pos[0];
    const { line } = source.position(offset);
    if (reportedLines.has(line)) continue;
    reportedLines.add(line);
    problems.push(libraryProblem(source, problem, offset));
  }
  const syntaxError =
    structural.some(
      (problem) => problem.message.startsWith('YAML:') || problem.message.startsWith('a mapping file'),
    ) || (document?.errors.length ?? 0) > 0;
  return { document, problems, syntaxError };
}

function secondDocument(source: SourceText, token: CST.Document, base: number): YamlProblem {
  const marker = token.start.find((part) => part.type === 'doc-start');
  const offset = base + (marker?.offset ?? token.offset);
  const { line, column } = source.position(offset);
  return {
    offset,
    message:
      marker === undefined
        ? `a mapping file holds one document; remove the second one, which starts at ${line}:${column}`
        : `a mapping file holds one document; remove the --- at ${line}:${column}`,
  };
}

type Opening = '{' | '[' | '"' | "'";

const CLOSING_EXPECTED: Readonly<Record<Opening, string>> = {
  '{': 'a } after its last entry',
  '[': 'a ] after its last item',
  '"': 'a " at the end of the text',
  "'": "a ' at the end of the text",
};

interface Structure {
  /** Offset of the first collection nested deeper than the limit. */
  readonly tooDeep: number | undefined;
  /** The `{`, `[` and quotes that are not closed. */
  readonly unclosed: readonly { readonly opening: Opening; readonly offset: number }[];
}

/** Whether a quoted scalar's source ends with its closing quote (not an escaped or doubled one). */
function isClosedQuote(source: string): boolean {
  const quote = source[0];
  const body = source.slice(1);
  if (quote === "'") {
    const trailing = body.length - body.replace(/'+$/, '').length;
    return trailing % 2 === 1;
  }
  if (!body.endsWith('"')) return false;
  const backslashes = body.length - 1 - body.slice(0, -1).replace(/\\+$/, '').length;
  return backslashes % 2 === 0;
}

/** Walks a document's syntax tree without recursion (the tree may be deeper than the stack). */
function checkStructure(document: CST.Document): Structure {
  const unclosed: { opening: Opening; offset: number }[] = [];
  const stack: [CST.Token, number][] = [];
  if (document.value !== undefined) stack.push([document.value, 1]);
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    const [token, level] = next;
    if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') {
      if (!isClosedQuote(token.source))
        unclosed.push({ opening: token.type === 'double-quoted-scalar' ? '"' : "'", offset: token.offset });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
      continue;
    if (level > MAX_NESTING_DEPTH) return { tooDeep: token.offset, unclosed };
    if (
      token.type === 'flow-collection' &&
      !token.end.some((part) => part.type === 'flow-map-end' || part.type === 'flow-seq-end')
    ) {
      unclosed.push({ opening: token.start.source === '{' ? '{' : '[', offset: token.start.offset });
    }
    const items: readonly { key?: CST.Token | null; value?: CST.Token }[] = token.items;
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item?.value !== undefined) stack.push([item.value, level + 1]);
      if (item?.key !== undefined && item.key !== null) stack.push([item.key, level + 1]);
    }
  }
  return { tooDeep: undefined, unclosed };
}

function libraryProblem(source: SourceText, problem: YAMLError, offset: number): YamlProblem {
  const message = problem.message.replace(/ at line \d+, column \d+[\s\S]*$/, '').trim();
  const lineText = source.lineText(source.position(offset).line);
  const hint =
    lineText.includes('${') && /[{[]/.test(lineText)
      ? `quotes around values that use \${...} inside { } or [ ] (e.g. host: "\${PLC_HOST}")`
      : undefined;
  return { offset, message: `YAML: ${message}`, ...(hint === undefined ? {} : { expected: hint }) };
}
