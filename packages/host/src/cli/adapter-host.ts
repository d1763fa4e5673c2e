#!/usr/bin/env node
/**
 * adapter-host: the lwm2m-adapters front door.
 *
 *   adapter-host validate plc.yml     check a mapping; print a summary or every problem (file:line:column)
 *   adapter-host plan plc.yml         how every device will be read: requests per poll cycle and their ranges
 *   adapter-host simulate plc.yml     serve the mapping's Modbus devices from simulators, where the mapping connects
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
