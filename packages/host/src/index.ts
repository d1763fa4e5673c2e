export { createAdapterResolver } from './adapter-resolver.js';
export { type CliEnvironment, runAdapterHostCli, usage } from './cli-main.js';
export { type CommandOutput, processOutput } from './commands/command-output.js';
export { ExitCode, type ExitCodeValue } from './exit-codes.js';
export { compileMappingFile } from './mapping-loader.js';
