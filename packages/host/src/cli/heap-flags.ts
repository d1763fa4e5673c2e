/**
 * The V8 heap flags `adapter-host run` gives itself. A polling host allocates a little on every
 * poll, and V8 lets the young generation (two semi-spaces) grow to 16 MiB each while that lasts:
 * 20–25 MiB of RSS for no throughput (test/bench/compare, BENCHMARKS.md). Heap sizes are V8 flags,
 * fixed when the process starts, so the binary starts itself again, in place (execve: the
 * same process id, no parent left behind), with `--max-semi-space-size`, a tighter old
 * generation (`--heap-growing-percent`) and no allocation-site pretenuring. This module imports
 * nothing, so the first start loads nothing it would throw away.
 */

/** Semi-space size in MiB when nothing says otherwise. */
export const DEFAULT_SEMI_SPACE_MB = 2;

/**
 * How far the old generation may grow past what the last full GC kept (V8's
 * `--heap-growing-percent`): with a small young generation more short-lived objects are promoted,
 * and V8's own factor let a 10,000-point host sit at 175 MiB where 1.25x keeps it near 120 MiB
 * for the same CPU (BENCHMARKS.md, issue 16).
 */
export const HEAP_GROWING_PERCENT = 25;

/**
 * V8's allocation-site pretenuring off: V8 moves an allocation site to the old generation once
 * most of its objects survived young-generation GCs, and a host's start (the mapping compiled,
 * every point read at once) looks like that to the sites of its per-poll readings. Allocated old,
 * every reading then waited for a full GC: at 10,000 points a full GC every 6 s and ~20 % more
 * CPU than with this flag (BENCHMARKS.md, issue 16).
 */
export const PRETENURING_FLAG = '--no-allocation-site-pretenuring';

/** The environment variable that sets it: a size in MiB, or `0` / `off` to keep Node's default. */
export const SEMI_SPACE_ENV = 'ADAPTER_HOST_SEMI_SPACE_MB';

export interface ProcessFacts {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The command line the host should restart with, or undefined to go on as it is. */
export function relaunchArgs(facts: ProcessFacts): string[] | undefined {
  const [script, ...args] = facts.argv.slice(1);
  if (script === undefined) return undefined;
  // only the long-running command: `validate`, `plan`... would pay a second start for nothing
  // (`run` is also the command when the first argument is a flag: `adapter-host --mapping plc.yml`)
  const first = args[0];
  if (first !== undefined && first !== 'run' && !first.startsWith('-')) return undefined;
  if (args.includes('--help') || args.includes('-h')) return undefined;
  const setting = (facts.env[SEMI_SPACE_ENV] ?? '').trim();
  if (setting === '0' || setting.toLowerCase() === 'off') return undefined;
  const megabytes = setting === '' ? DEFAULT_SEMI_SPACE_MB : Number(setting);
  if (!Number.isInteger(megabytes) || megabytes < 1 || megabytes > 64) return undefined;
  // what the user (or a previous start) chose stays: flags and NODE_OPTIONS, - or _ alike
  const given = [...facts.execArgv, ...(facts.env.NODE_OPTIONS ?? '').split(/\s+/)].map((flag) =>
    flag.replaceAll('_', '-'),
  );
  if (given.some((flag) => flag.startsWith('--max-semi-space-size'))) return undefined;
  const growthChosen = given.some((flag) => flag.startsWith('--heap-growing-percent'));
  const pretenuringChosen = given.some(
    (flag) => flag === '--allocation-site-pretenuring' || flag === PRETENURING_FLAG,
  );
  return [
    facts.execPath,
    `--max-semi-space-size=${megabytes}`,
    ...(growthChosen ? [] : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]),
    ...(pretenuringChosen ? [] : [PRETENURING_FLAG]),
    ...facts.execArgv,
    script,
    ...args,
  ];
}
