/** One problem in a configuration, addressed by its path in the document. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
  /** Point at the key of the last path part rather than at its value (unknown keys). */
  readonly atKey?: boolean;
}

/** `units[0].holdingRegisters[1].points[2].type` */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? '(root)' : text;
}
