#!/usr/bin/env node
/**
 * adapter-host: the lwm2m-adapters front door. `adapter-host --help` lists the commands (run,
 * validate, plan, simulate, demo); cli-main.ts holds them.
 */
import { isCodedError } from '@lwm2m-adapters/errors';
import { runAdapterHostCli } from '../cli-main.js';

runAdapterHostCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(isCodedError(err) ? `adapter-host: ${err.code}: ${err.message}` : err);
    process.exitCode = 70;
  },
);
