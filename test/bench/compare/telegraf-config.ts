/**
 * The Telegraf side of the compare benchmark: a telegraf.conf whose `inputs.modbus` (request
 * mode, `optimization = "max_insert"`) reads exactly the points of the host's bench mapping
 * (test/bench/host/bench-mapping.ts: per unit 75 float32 holding registers at 0..149 and 25 int16
 * input registers at 0..24 with scale 0.01), every second, into `outputs.discard`. Also the idle
 * configuration (`inputs.mem` only) and where the binary comes from.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { POINTS_PER_DEVICE } from '../host/bench-mapping.js';

const INSTANCES = POINTS_PER_DEVICE / 4;

/** How to get a Telegraf with only what the benchmark uses (the benchmark never downloads one). */
export const TELEGRAF_BUILD_HINT = [
  'The compare benchmark needs a telegraf binary on PATH (or TELEGRAF=/path/to/telegraf).',
  'Build one with only the inputs it uses (Go >= 1.24, ~15 min on 2 cores):',
  '  GOBIN=$HOME/.cache/lwm2m-adapters/telegraf/bin go install \\',
  '    -tags custom,inputs.modbus,inputs.mem,outputs.discard \\',
  '    github.com/influxdata/telegraf/cmd/telegraf@v1.37.2',
  '  export PATH=$HOME/.cache/lwm2m-adapters/telegraf/bin:$PATH',
].join('\n');

/** The telegraf binary: $TELEGRAF, else `telegraf` on PATH; undefined when neither exists. */
export function findTelegraf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates =
    env.TELEGRAF !== undefined && env.TELEGRAF !== ''
      ? [env.TELEGRAF]
      : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'telegraf'));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const AGENT = [
  '[agent]',
  '  interval = "1s"',
  '  round_interval = true',
  '  flush_interval = "1s"',
  '  metric_batch_size = 1000',
  '  metric_buffer_limit = 100000',
  '  omit_hostname = true',
  '  quiet = true',
  '',
  '[[outputs.discard]]',
  '',
];

/** Telegraf polling `devices` units (1..devices) of the simulator at `port`, 100 points each. */
export function telegrafModbusConfig(devices: number, port: number): string {
  const lines = [
    ...AGENT,
    '[[inputs.modbus]]',
    '  name = "bench"',
    `  controller = "tcp://127.0.0.1:${port}"`,
    '  timeout = "1s"',
    '  configuration_type = "request"',
  ];
  for (let unit = 1; unit <= devices; unit++) {
    const holding: string[] = [];
    const input: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      holding.push(
        `    { address = ${i * 6}, name = "t${i}_5700", type = "FLOAT32" },`,
        `    { address = ${i * 6 + 2}, name = "t${i}_5601", type = "FLOAT32" },`,
        `    { address = ${i * 6 + 4}, name = "t${i}_5602", type = "FLOAT32" },`,
      );
      input.push(
        `    { address = ${i}, name = "h${i}_5700", type = "INT16", scale = 0.01, output = "FLOAT64" },`,
      );
    }
    for (const [register, fields] of [
      ['holding', holding],
      ['input', input],
    ] as const) {
      lines.push(
        '  [[inputs.modbus.request]]',
        `    slave_id = ${unit}`,
        '    byte_order = "ABCD"',
        `    register = "${register}"`,
        '    optimization = "max_insert"',
        '    optimization_max_register_fill = 50',
        '    fields = [',
        ...fields,
        '    ]',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Telegraf with nothing to poll (`inputs.mem` only): its idle footprint. */
export function telegrafIdleConfig(): string {
  return `${[...AGENT, '[[inputs.mem]]'].join('\n')}\n`;
}
