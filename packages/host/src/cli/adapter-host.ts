#!/usr/bin/env node
/**
 * adapter-host: the lwm2m-adapters front door. `adapter-host --help` lists the commands (run,
 * validate, plan, simulate, demo); cli-main.ts holds them. `run` first restarts itself in place
 * with the V8 heap flags of heap-flags.ts (ADAPTER_HOST_SEMI_SPACE_MB=off keeps Node's).
 */
import { relaunchArgs } from './heap-flags.js';

const relaunch = relaunchArgs(process);
if (relaunch !== undefined && typeof process.execve === 'function') {
  process.execve(process.execPath, relaunch, process.env);
}

const { isCodedError } = await import('@lwm2m-adapters/errors');
const { runAdapterHostCli } = await import('../cli-main.js');

runAdapterHostCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(isCodedError(err) ? `adapter-host: ${err.code}: ${err.message}` : err);
    process.exitCode = 70;
  },
);
