import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import type { MappingIssue } from './mapping-issue.js';
import { safeMessage } from './safe-text.js';

/** Largest mapping file accepted. */
export const MAX_MAPPING_BYTES = 16 * 1024 * 1024;

/** A mapping file path, or its text with the name to show in messages. */
export type MappingSource = string | { readonly text: string; readonly fileName: string };

/**
 * Why the mapping text could not be had: MAPPING_FILE_MISSING when the path names no file that can
 * be read (no such file, a directory, no permission: a configuration error), MAPPING_UNREADABLE
 * when the file is there but is no mapping text (too large, binary).
 */
export type SourceProblemCode = 'MAPPING_FILE_MISSING' | 'MAPPING_UNREADABLE';

export type LoadedSource =
  | { readonly ok: true; readonly fileName: string; readonly text: string }
  | { readonly ok: false; readonly code: SourceProblemCode; readonly issue: MappingIssue };

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EISDIR: 'is a directory, expected a mapping file',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
  ELOOP: 'cannot be read: too many symbolic links',
};

/** Reads the mapping text: a regular file of UTF-8 text (a BOM is dropped), or the text given. */
export async function readMappingSource(source: MappingSource): Promise<LoadedSource> {
  const fileName = typeof source === 'string' ? source : source.fileName;
  const problem = (code: SourceProblemCode, message: string, at?: TextPoint): LoadedSource => ({
    ok: false,
    code,
    issue: { file: safeMessage(fileName), ...(at ?? {}), path: [], message },
  });
  let text: string;
  if (typeof source === 'string') {
    let bytes: Buffer;
    try {
      const file = await open(source, 'r');
      try {
        const info = await file.stat();
        if (info.isDirectory())
          return problem('MAPPING_FILE_MISSING', 'is a directory, expected a mapping file');
        if (!info.isFile())
          return problem('MAPPING_FILE_MISSING', 'is not a regular file, expected a mapping file');
        if (info.size > MAX_MAPPING_BYTES)
          return problem('MAPPING_UNREADABLE', `the file is larger than ${MAX_MAPPING_BYTES} bytes`);
        bytes = await file.readFile();
      } finally {
        await file.close();
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      return problem(
        code === 'EISDIR' || FILE_PROBLEMS[code] !== undefined
          ? 'MAPPING_FILE_MISSING'
          : 'MAPPING_UNREADABLE',
        FILE_PROBLEMS[code] ?? `cannot read the mapping file${code === '' ? '' : ` (${code})`}`,
      );
    }
    const binary = binaryProblem(bytes);
    if (binary !== undefined) {
      const at = { line: binary.line, column: binary.column };
      return problem('MAPPING_UNREADABLE', `not a text file (${binary.what} at ${at.line}:${at.column})`, at);
    }
    text = bytes.toString('utf8');
  } else {
    text = source.text;
    if (text.length > MAX_MAPPING_BYTES)
      return problem('MAPPING_UNREADABLE', `the mapping is longer than ${MAX_MAPPING_BYTES} characters`);
    const nul = text.indexOf('\u0000');
    if (nul >= 0) {
      const at = pointOf(text, nul);
      return problem('MAPPING_UNREADABLE', `not a text file (NUL at ${at.line}:${at.column})`, at);
    }
  }
  return { ok: true, fileName, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

interface TextPoint {
  readonly line: number;
  readonly column: number;
}

/** The first NUL byte or byte sequence that is not UTF-8, with its line and column; undefined for text. */
function binaryProblem(bytes: Buffer): (TextPoint & { readonly what: string }) | undefined {
  const nul = bytes.indexOf(0);
  const invalid = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes, nul < 0 ? bytes.length : nul);
  const offset = invalid >= 0 ? invalid : nul;
  if (offset < 0) return undefined;
  const before = bytes.subarray(0, offset).toString('utf8');
  const at = pointOf(before, before.length);
  return { ...at, what: invalid >= 0 ? 'invalid UTF-8' : 'NUL' };
}

/** Line and column (1-based, in characters) of `offset` in `text` (the end when past it). */
function pointOf(text: string, offset: number): TextPoint {
  const end = Math.min(offset, text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Offset of the first byte before `limit` that does not start or continue a valid UTF-8 sequence; -1 when none. */
function firstInvalidUtf8(bytes: Uint8Array, limit: number): number {
  let i = 0;
  while (i < limit) {
    const lead = bytes[i] ?? 0;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    if (length > 1 && !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return -1;
}
