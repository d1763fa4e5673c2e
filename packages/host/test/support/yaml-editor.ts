/**
 * What an editor says of a YAML mapping: yaml-language-server (the language server behind the
 * VS Code YAML extension and most editors' YAML support) run in-process with the mapping JSON
 * Schema, and ajv (draft-07) over the parsed document. Both are real third-party validators.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from 'yaml';
import { getLanguageService, type LanguageService } from 'yaml-language-server';

const SCHEMA_URI = 'file:///mapping.schema.json';

export interface EditorProblem {
  readonly line: number;
  readonly message: string;
}

/** A yaml-language-server with the mapping schema applied to every document. */
export function mappingLanguageService(schemaFile: string): LanguageService {
  const schemaText = readFileSync(schemaFile, 'utf8');
  const service = getLanguageService({
    schemaRequestService: async (uri) => {
      if (uri === SCHEMA_URI) return schemaText;
      throw new Error(`no schema at ${uri}`);
    },
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
  });
  service.configure({
    validate: true,
    hover: true,
    completion: true,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ['*.yml', '*.yaml'] }],
  });
  return service;
}

/** A document as the language server sees it (the `# yaml-language-server: $schema` comment removed). */
export function yamlDocument(name: string, text: string): TextDocument {
  return TextDocument.create(`file:///${name}`, 'yaml', 1, text.replace(/^# yaml-language-server:.*$/m, '#'));
}

/** yaml-language-server's diagnostics (errors and warnings) for a mapping text. */
export async function languageServerProblems(
  service: LanguageService,
  name: string,
  text: string,
): Promise<EditorProblem[]> {
  const diagnostics = await service.doValidation(yamlDocument(name, text), false);
  return diagnostics.map((d) => ({
    line: d.range.start.line + 1,
    message: typeof d.message === 'string' ? d.message : d.message.value,
  }));
}

/** ajv's errors for a mapping text against the schema (draft-07, every error). */
export function ajvProblems(schemaFile: string): (text: string) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  return (text) => {
    if (validate(parse(text))) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}
