/**
 * Preload for a sampling allocation profile of a running host, garbage included (test/bench/README.md,
 * "Where the time goes"): `node --import ./test/bench/compare/allocation-sampler.mjs <host>`.
 * From ALLOC_SAMPLE_FROM_MS (default 8000, past the start) for ALLOC_SAMPLE_MS (default 10000), the
 * inspector's HeapProfiler samples every 4 KiB allocated, with the objects minor and major GCs
 * collected, and writes ALLOC_SAMPLE_OUT (default /tmp/host.heapprofile): read it with
 * `profile-summary.ts`, bytes per allocating function. Plain JavaScript: it runs inside the host
 * process, which loads no TypeScript.
 */
import { writeFileSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const from = Number(process.env.ALLOC_SAMPLE_FROM_MS ?? 8000);
const duration = Number(process.env.ALLOC_SAMPLE_MS ?? 10000);
const out = process.env.ALLOC_SAMPLE_OUT ?? '/tmp/host.heapprofile';

const session = new Session();
session.connect();
setTimeout(async () => {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
  });
  setTimeout(async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(out, JSON.stringify(profile));
    writeSync(2, `allocation profile of ${duration} ms written to ${out}\n`);
  }, duration).unref();
}, from).unref();
