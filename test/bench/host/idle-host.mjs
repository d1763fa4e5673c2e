/**
 * Child process of the adapter-host idle-memory benchmark (plain JavaScript on the compiled
 * packages, so neither a TypeScript loader nor the parent's heap is counted). Run with
 * `node --expose-gc idle-host.mjs <mode> [mapping server endpoint warmupMs sampleGapMs]`:
 *  - `bare`: nothing loaded;
 *  - `modules`: @lwm2m-adapters/host (and through it every package the CLI loads) imported;
 *  - `host`: the mapping compiled and run in gateway mode against `server`, sampled after
 *    `warmupMs` of polling and again `sampleGapMs` later.
 * Prints one JSON line: the samples (after two forced GCs) and the host's counters.
 */
import { readFileSync } from 'node:fs';

const [mode, mappingFile, serverUri, endpoint, warmupArg, gapArg] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Memory after full GCs: RSS, V8 heap, and the process's private anonymous memory (Linux). */
function sample() {
  globalThis.gc();
  globalThis.gc();
  const usage = process.memoryUsage();
  let privateBytes;
  try {
    const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN);
    privateBytes = (kb('Private_Dirty') + kb('Private_Clean')) * 1024;
  } catch {
    privateBytes = undefined;
  }
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    private: privateBytes,
  };
}

async function runHost() {
  const { AdapterHost, compileMappingFile } = await import('@lwm2m-adapters/host');
  const { result, adapters } = await compileMappingFile(mappingFile, {});
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  const host = await AdapterHost.start({
    mapping: result.mapping,
    adapters,
    server: { uri: serverUri },
    mode: 'gateway',
    endpoint,
  });
  try {
    const deadline = Date.now() + 20_000;
    while (host.endpointFor()?.client.state !== 'registered') {
      if (Date.now() > deadline) throw new Error('not registered within 20 s');
      await sleep(20);
    }
    await sleep(Number(warmupArg));
    const first = sample();
    await sleep(Number(gapArg));
    const second = sample();
    const devices = host.status().devices;
    const sum = (key) => devices.reduce((n, device) => n + device.stats[key], 0);
    return {
      samples: [first, second],
      points: sum('points'),
      goodPoints: sum('goodPoints'),
      cycles: sum('cycles'),
      pointReads: sum('pointReads'),
      connected: devices.filter((device) => device.connection === 'connected').length,
      devices: devices.length,
    };
  } finally {
    await host.close();
  }
}

let report;
if (mode === 'bare') report = { samples: [sample()] };
else if (mode === 'modules') {
  await import('@lwm2m-adapters/host');
  report = { samples: [sample()] };
} else report = await runHost();
process.stdout.write(`${JSON.stringify(report)}\n`);
