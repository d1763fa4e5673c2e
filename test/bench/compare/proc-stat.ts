/**
 * CPU time and resident memory of another process, from Linux /proc: `utime + stime` of
 * /proc/<pid>/stat (every thread, in clock ticks) and VmRSS of /proc/<pid>/status.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`, 100 on most Linux systems). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcSample {
  /** When it was taken (performance.now(), ms). */
  readonly at: number;
  /** User + system CPU time of the whole process so far, ms (clock-tick resolution). */
  readonly cpuMs: number;
  /** Resident set size, bytes. */
  readonly rss: number;
}

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces and parentheses): state is field 3
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return { at: performance.now(), cpuMs: ((utime + stime) * 1000) / clockTicks(), rss: rssKb * 1024 };
}

/** Share of one core between two samples, in percent. */
export const cpuPercent = (a: ProcSample, b: ProcSample) => (100 * (b.cpuMs - a.cpuMs)) / (b.at - a.at);
