/**
 * A Prometheus histogram of read durations by device and kind (poll / on-demand), kept as plain
 * counts: an observation allocates nothing once its series exists. `exposition()` writes the text
 * format the way prom-client does (`le` first, cumulative buckets, then `_sum` and `_count`).
 */

type ReadKind = 'poll' | 'on-demand';

interface Series {
  /** Per bucket (the last is +Inf), not cumulative. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A label value escaped for the text format. */
const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export class ReadDurationHistogram {
  readonly #name: string;
  readonly #help: string;
  readonly #buckets: readonly number[];
  /** Series by device, then kind. */
  readonly #series = new Map<string, Map<ReadKind, Series>>();

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.#name = name;
    this.#help = help;
    this.#buckets = buckets;
  }

  observe(device: string, kind: ReadKind, seconds: number): void {
    let byKind = this.#series.get(device);
    if (byKind === undefined) {
      byKind = new Map();
      this.#series.set(device, byKind);
    }
    let series = byKind.get(kind);
    if (series === undefined) {
      series = { counts: new Float64Array(this.#buckets.length + 1), sum: 0, count: 0 };
      byKind.set(kind, series);
    }
    let bucket = 0;
    while (bucket < this.#buckets.length && seconds > this.#buckets[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  /** The metric in the Prometheus text format, ending with a newline. */
  exposition(): string {
    const name = this.#name;
    const lines = [`# HELP ${name} ${this.#help}`, `# TYPE ${name} histogram`];
    for (const [device, byKind] of this.#series) {
      for (const [kind, series] of byKind) {
        const labels = `device="${escapeLabel(device)}",kind="${kind}"`;
        let cumulative = 0;
        for (let i = 0; i <= this.#buckets.length; i++) {
          cumulative += series.counts[i]!;
          const le = i < this.#buckets.length ? String(this.#buckets[i]) : '+Inf';
          lines.push(`${name}_bucket{le="${le}",${labels}} ${cumulative}`);
        }
        lines.push(`${name}_sum{${labels}} ${series.sum}`, `${name}_count{${labels}} ${series.count}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
