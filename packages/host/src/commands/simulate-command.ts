import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { startMappingSimulators } from '../mapping-simulators.js';
import { reportMappingFailure } from './mapping-failure.js';

export interface SimulateOptions {
  /** Resolves when the simulators should stop (SIGINT/SIGTERM in the CLI, a test's signal). */
  readonly until: Promise<void>;
  /** Called once every simulator listens, with `host:port` (or a path) per listener. */
  readonly onListening?: (addresses: readonly string[]) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `adapter-host simulate plc.yml`: each adapter of the mapping that can simulate serves its devices
 * from simulators on the host and port the mapping connects to, with a changing value behind every
 * mapped point, until told to stop.
 */
export async function simulateCommand(
  file: string,
  out: CommandOutput,
  options: SimulateOptions,
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(file, options.env);
  if (!result.ok) return reportMappingFailure(file, result, out);
  const running = await startMappingSimulators(result.mapping, adapters, out);
  if (running === undefined) {
    out.stderr(`${file}: no devices to simulate`);
    return ExitCode.FAILURE;
  }
  try {
    options.onListening?.(running.addresses);
    await options.until;
    return ExitCode.OK;
  } finally {
    await running.close();
  }
}
