/**
 * Optional capability of an adapter: exploring a device reached by a URL and proposing a starting
 * mapping (`adapter-host browse <url> [options]`). The host picks the adapter by the URL's scheme
 * among the adapters it knows, parses the options the adapter declares and prints the YAML; the
 * protocol knowledge stays in the adapter.
 */
import type { ProbeOption, ProbeValues } from './adapter-probe.js';

export interface AdapterBrowse {
  /** What follows `browse` in the usage text, e.g. `opc.tcp://host:port [--depth N] [--from NodeId]`. */
  readonly synopsis: string;
  readonly options: Readonly<Record<string, ProbeOption>>;
  /** URL schemes it browses, without the colon (`opc.tcp`). */
  readonly schemes: readonly string[];
  /**
   * Connects to `target`, explores it and closes again; resolves to a mapping document (YAML)
   * that validates as it is. Throws CONFIG_INVALID for options that do not make sense, device
   * errors (DEVICE_UNREACHABLE, DEVICE_TIMEOUT...) when it cannot browse.
   */
  run(target: string, values: ProbeValues): Promise<string>;
}
