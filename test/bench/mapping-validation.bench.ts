/**
 * Mapping validation at 50,000 devices (issue 15): a generated file of 50,000 literal device
 * entries (~5 MB of YAML, one template of 4 points) is validated by the built `adapter-host
 * validate` and compiled by `compileMappingFile` (what `run` does), each in a child process of its
 * own. Prints wall time (spawn to exit) and peak RSS (the child's `maxRSS`, written by a preload
 * at exit). Needs the built packages (`npm run bench` runs `tsc -b` first). MAPPING_BENCH_ROOT=<dir>
 * measures the built packages of another checkout (a base commit) with the same file.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The checkout whose built packages are measured (MAPPING_BENCH_ROOT: another checkout, to compare). */
const ROOT = process.env.MAPPING_BENCH_ROOT ?? resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/host/dist/cli/adapter-host.js');
const HOST = join(ROOT, 'packages/host/dist/index.js');
export const BENCH_DEVICES = 50_000;
/** Runs of each case; the table shows every run. */
const RUNS = 3;

/** 50,000 device entries, each with its own id, endpoint and connection, over one template. */
export function fiftyThousandDevicesYaml(devices = BENCH_DEVICES): string {
  const lines = [
    'version: 1',
    'templates:',
    '  meter:',
    '    adapter: modbus',
    '    connection: { transport: tcp, port: 502 }',
    '    points:',
    '      /3303/0/5700: { source: { table: holding, address: 0, type: float32 }, scale: 0.1 }',
    '      /3303/0/5701: Cel',
    '      /3304/0/5700: { source: { table: input, address: 0, type: int16 }, scale: 0.01 }',
    '      /3311/0/5850: { source: { table: coil, address: 0 }, access: rw }',
    'devices:',
  ];
  for (let i = 0; i < devices; i++) {
    const id = `meter-${String(i + 1).padStart(5, '0')}`;
    lines.push(
      `  - id: ${id}`,
      '    template: meter',
      `    endpoint: urn:dev:plant:${id}`,
      `    connection: { host: 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}, unitId: ${(i % 247) + 1} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Preload that writes the process's peak RSS (bytes) to $PEAK_RSS_FILE when it exits. */
const PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));
`;

/** compileMappingFile, as `run` calls it; exits 0 when the mapping compiled. */
const COMPILE_SCRIPT = `import { compileMappingFile } from ${JSON.stringify(HOST)};
const { result } = await compileMappingFile(process.argv[2], {});
if (!result.ok) { console.error(result.issues.slice(0, 5)); process.exitCode = 3; }
else console.log(result.mapping.devices.length + ' devices');
`;

interface ChildRun {
  readonly wallMs: number;
  readonly peakRssBytes: number;
  readonly exitCode: number | null;
  readonly output: string;
}

async function runChild(dir: string, args: readonly string[]): Promise<ChildRun> {
  const rssFile = join(dir, 'peak-rss');
  await rm(rssFile, { force: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', join(dir, 'preload.mjs'), ...args], {
    env: { ...process.env, PEAK_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (output.length < 4096) output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (output.length < 4096) output += chunk.toString();
  });
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const wallMs = performance.now() - t0;
  const peakRssBytes = Number(await readFile(rssFile, 'utf8'));
  return { wallMs, peakRssBytes, exitCode, output };
}

export async function runMappingValidationBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mapping-validation-bench-'));
  try {
    const mappingFile = join(dir, 'fifty-thousand.yml');
    await writeFile(mappingFile, fiftyThousandDevicesYaml());
    await writeFile(join(dir, 'preload.mjs'), PRELOAD);
    await writeFile(join(dir, 'compile.mjs'), COMPILE_SCRIPT);
    const bytes = (await stat(mappingFile)).size;
    console.log(`\n## Mapping validation at ${BENCH_DEVICES.toLocaleString('en-US')} devices (${ROOT})\n`);
    console.log(
      `${(bytes / 1e6).toFixed(1)} MB of YAML, ${BENCH_DEVICES} literal device entries over one 4-point template; each run a child process.\n`,
    );
    console.log('| case | run | exit | wall s | peak RSS MiB |');
    console.log('|---|---:|---:|---:|---:|');
    const cases: [string, string[]][] = [
      ['adapter-host validate', [CLI, 'validate', mappingFile]],
      ['compileMappingFile (as run)', [join(dir, 'compile.mjs'), mappingFile]],
    ];
    for (let run = 1; run <= RUNS; run++) {
      for (const [name, args] of cases) {
        const r = await runChild(dir, args);
        console.log(
          `| ${name} | ${run} | ${r.exitCode} | ${(r.wallMs / 1000).toFixed(2)} | ${(r.peakRssBytes / 2 ** 20).toFixed(0)} |`,
        );
        if (r.exitCode !== 0) console.log(`\n\`\`\`\n${r.output.slice(0, 2000)}\n\`\`\`\n`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
