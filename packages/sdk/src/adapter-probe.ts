/**
 * Optional capability of an adapter: looking at a device before a mapping exists
 * (`adapter-host probe <adapter> <target> [options]`). The host knows nothing of the protocol: it
 * parses the options the adapter declares, hands them over and prints the report as a table.
 */

/** One option of the probe, as `--name VALUE` (or a flag when `value` is undefined). */
export interface ProbeOption {
  /** The value's placeholder in the help (`N`, `TABLE`); undefined for a boolean flag. */
  readonly value?: string;
  /** May be given several times (`--type float32 --type int32`). */
  readonly multiple?: boolean;
  /** One line for `--help`. */
  readonly description: string;
}

/** What the adapter found: a table (one row per address, item...) and notes below it. */
export interface ProbeReport {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
}

/** The options as parsed: strings, string lists (multiple) or booleans; absent when not given. */
export type ProbeValues = Readonly<Record<string, string | readonly string[] | boolean | undefined>>;

export interface AdapterProbe {
  /** What follows `probe <adapter>` in the usage text, e.g. `tcp://host:port [options]`. */
  readonly synopsis: string;
  readonly options: Readonly<Record<string, ProbeOption>>;
  /**
   * Connects to `target`, reads what the options say and closes again. Throws CONFIG_INVALID for
   * options that do not make sense, device errors (DEVICE_TIMEOUT...) when it cannot read.
   */
  run(target: string, values: ProbeValues): Promise<ProbeReport>;
}
