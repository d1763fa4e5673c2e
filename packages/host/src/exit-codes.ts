/** Exit codes of `adapter-host` (documented in its --help). */
export const ExitCode = {
  OK: 0,
  /** A runtime failure (device, network, peer). */
  FAILURE: 1,
  /** Wrong command-line usage, or configuration: a mapping path that names no file. */
  USAGE: 2,
  /** The mapping file has errors, adapter loading problems included (all are printed). */
  MAPPING_INVALID: 3,
  /** A bug: an unexpected exception. */
  INTERNAL: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
