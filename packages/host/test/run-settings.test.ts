/**
 * Settings of `adapter-host run`: flags, ADAPTER_HOST_* environment variables, defaults and the
 * messages of invalid values; then the same through the CLI entry point (exit codes, usage text).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DURATION_EXPECTED } from '@lwm2m-adapters/mapping';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunInput, runInput, runSettingsSchema } from '../src/cli/run-settings.js';
import { type CommandOutput, ExitCode, runAdapterHostCli } from '../src/index.js';

function settings(flags: RunInput, env: Record<string, string | undefined> = {}) {
  return runSettingsSchema.parse(runInput(flags, env));
}

/** The messages of an invalid input, joined as the CLI joins them. */
function problems(flags: RunInput, env: Record<string, string | undefined> = {}): string {
  const result = runSettingsSchema.safeParse(runInput(flags, env));
  if (result.success) throw new Error(`expected problems, got ${JSON.stringify(result.data)}`);
  return result.error.issues.map((i) => i.message).join('; ');
}

describe('run settings', () => {
  it('applies the documented defaults', () => {
    expect(settings({ mapping: 'plc.yml' })).toEqual({
      mapping: 'plc.yml',
      server: 'coap://127.0.0.1:5683',
      mode: 'gateway',
      endpoint: undefined,
      pskIdentity: undefined,
      pskKeyFile: undefined,
      lifetimeSeconds: 300,
      logLevel: 'info',
      logFormat: 'auto',
      http: undefined,
      watch: false,
      sendIntervalMs: undefined,
      cacheMaxAgeMs: 1000,
      observedPollMs: 1000,
      statusIntervalMs: 30_000,
      bindAddress: undefined,
      registerContentFormats: 'preferred',
    });
  });

  it('takes every setting from its ADAPTER_HOST_* variable', () => {
    const env = {
      ADAPTER_HOST_MAPPING: '/etc/plant/plc.yml',
      ADAPTER_HOST_SERVER: 'coaps://lwm2m.example.com:5684',
      ADAPTER_HOST_MODE: 'per-device',
      ADAPTER_HOST_ENDPOINT: 'plant-gw',
      ADAPTER_HOST_PSK_IDENTITY: 'plant',
      ADAPTER_HOST_PSK_KEY_FILE: '/run/secrets/psk',
      ADAPTER_HOST_LIFETIME: '120',
      ADAPTER_HOST_LOG_LEVEL: 'debug',
      ADAPTER_HOST_LOG_FORMAT: 'json',
      ADAPTER_HOST_HTTP: '0.0.0.0:9464',
      ADAPTER_HOST_WATCH: '1',
      ADAPTER_HOST_SEND_INTERVAL: '2s',
      ADAPTER_HOST_CACHE_MAX_AGE: '250ms',
      ADAPTER_HOST_OBSERVED_POLL: '1m30s',
      ADAPTER_HOST_STATUS_INTERVAL: '5m',
      ADAPTER_HOST_BIND: '10.0.0.5',
      ADAPTER_HOST_REGISTER_CT: 'list',
    };
    expect(settings({}, env)).toEqual({
      mapping: '/etc/plant/plc.yml',
      server: 'coaps://lwm2m.example.com:5684',
      mode: 'per-device',
      endpoint: 'plant-gw',
      pskIdentity: 'plant',
      pskKeyFile: '/run/secrets/psk',
      lifetimeSeconds: 120,
      logLevel: 'debug',
      logFormat: 'json',
      http: { host: '0.0.0.0', port: 9464 },
      watch: true,
      sendIntervalMs: 2000,
      cacheMaxAgeMs: 250,
      observedPollMs: 90_000,
      statusIntervalMs: 300_000,
      bindAddress: '10.0.0.5',
      registerContentFormats: 'list',
    });
    expect(settings({ mapping: 'x.yml' }, { ADAPTER_HOST_WATCH: 'true' }).watch).toBe(true);
    expect(settings({ mapping: 'x.yml' }, { ADAPTER_HOST_WATCH: '0' }).watch).toBe(false);
  });

  it('lets flags win over the environment and ignores empty variables', () => {
    const env = {
      ADAPTER_HOST_MAPPING: 'env.yml',
      ADAPTER_HOST_MODE: 'per-device',
      ADAPTER_HOST_LIFETIME: '120',
      ADAPTER_HOST_HTTP: '9000',
      ADAPTER_HOST_SERVER: '',
    };
    const s = settings({ mapping: 'flag.yml', mode: 'gateway', lifetime: '60' }, env);
    expect(s).toMatchObject({
      mapping: 'flag.yml',
      mode: 'gateway',
      lifetimeSeconds: 60,
      http: { host: '127.0.0.1', port: 9000 },
      server: 'coap://127.0.0.1:5683',
    });
    // an explicit --watch=false is not overridden by ADAPTER_HOST_WATCH
    expect(settings({ mapping: 'x.yml', watch: false }, { ADAPTER_HOST_WATCH: '1' }).watch).toBe(false);
  });

  it('takes --register-ct preferred or list, and names both when the value is wrong', () => {
    expect(settings({ mapping: 'x.yml', 'register-ct': 'list' }).registerContentFormats).toBe('list');
    expect(problems({ mapping: 'x.yml', 'register-ct': 'all' })).toBe(
      '--register-ct "all": expected preferred or list',
    );
  });

  it('parses --http as [host:]port', () => {
    expect(settings({ mapping: 'x.yml', http: '0' }).http).toEqual({ host: '127.0.0.1', port: 0 });
    expect(settings({ mapping: 'x.yml', http: 'localhost:9464' }).http).toEqual({
      host: 'localhost',
      port: 9464,
    });
    expect(settings({ mapping: 'x.yml', http: '[::1]:9464' }).http).toEqual({ host: '::1', port: 9464 });
    for (const bad of ['http://0.0.0.0:9464', 'nine', '70000', 'host:']) {
      expect(problems({ mapping: 'x.yml', http: bad })).toBe(
        `--http ${JSON.stringify(bad)}: expected [host:]port, e.g. 9464 or 0.0.0.0:9464`,
      );
    }
  });

  it('needs a PSK identity and key file for coaps://, and refuses them for coap://', () => {
    expect(problems({ mapping: 'x.yml', server: 'coaps://lwm2m.example.com' })).toBe(
      'coaps://lwm2m.example.com is coaps://: give --psk-identity and --psk-key-file',
    );
    expect(
      problems({ mapping: 'x.yml', server: 'coaps://lwm2m.example.com', 'psk-identity': 'plant' }),
    ).toContain('give --psk-identity and --psk-key-file');
    expect(
      problems({ mapping: 'x.yml', server: 'coap://lwm2m.example.com', 'psk-key-file': '/run/psk' }),
    ).toBe('--psk-identity/--psk-key-file need a coaps:// server, not coap://lwm2m.example.com');
    // the default server is coap://: a PSK alone is an error too
    expect(problems({ mapping: 'x.yml', 'psk-identity': 'plant' })).toContain('need a coaps:// server');
    expect(
      settings({
        mapping: 'x.yml',
        server: 'coaps://lwm2m.example.com',
        'psk-identity': 'plant',
        'psk-key-file': '/run/psk',
      }),
    ).toMatchObject({ pskIdentity: 'plant', pskKeyFile: '/run/psk' });
  });

  it('names the flag and what is valid in every other message', () => {
    expect(problems({ mapping: 'x.yml', mode: 'nope' })).toBe(
      '--mode "nope": expected gateway or per-device',
    );
    expect(problems({ mapping: 'x.yml' }, { ADAPTER_HOST_MODE: 'gw' })).toBe(
      '--mode "gw": expected gateway or per-device',
    );
    expect(problems({ mapping: 'x.yml', lifetime: 'ten' })).toBe('--lifetime: expected whole seconds');
    expect(problems({ mapping: 'x.yml', lifetime: '10' })).toBe('--lifetime: at least 30 seconds');
    expect(problems({ mapping: 'x.yml', server: 'http://x' })).toBe(
      '--server must be coap://host[:port] or coaps://host[:port]',
    );
    expect(problems({ mapping: 'x.yml', 'log-level': 'loud' })).toBe(
      '--log-level "loud": expected trace, debug, info, warn, error, fatal or silent',
    );
    expect(problems({ mapping: 'x.yml', 'log-format': 'xml' })).toBe(
      '--log-format "xml": expected auto, pretty or json',
    );
    for (const flag of ['send-interval', 'cache-max-age', 'observed-poll', 'status-interval']) {
      expect(problems({ mapping: 'x.yml', [flag]: 'soon' })).toBe(
        `--${flag} "soon": expected ${DURATION_EXPECTED}`,
      );
    }
    expect(problems({})).toBe('give the mapping file: adapter-host --mapping plc.yml');
    // several problems are all reported
    expect(problems({ mapping: 'x.yml', mode: 'nope', lifetime: 'ten' })).toBe(
      '--mode "nope": expected gateway or per-device; --lifetime: expected whole seconds',
    );
  });
});

function capture(): CommandOutput & { stdout_: string[]; stderr_: string[] } {
  const stdout_: string[] = [];
  const stderr_: string[] = [];
  return { stdout: (t) => stdout_.push(t), stderr: (t) => stderr_.push(t), stdout_, stderr_ };
}

/** Runs the CLI with no environment and a stop signal that is already given. */
function cli(argv: string[], out: CommandOutput, env: Record<string, string> = {}) {
  return runAdapterHostCli(argv, {
    out,
    env,
    stopSignal: Promise.resolve(),
    onReloadRequest: () => () => {},
    isTty: false,
  });
}

describe('adapter-host run through the CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'run-settings-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--help lists the run options with their environment variables', async () => {
    const out = capture();
    expect(await cli(['--help'], out)).toBe(ExitCode.OK);
    const help = out.stdout_.join('');
    for (const flag of [
      '--mapping',
      '--server',
      '--mode',
      '--endpoint',
      '--psk-identity',
      '--psk-key-file',
      '--lifetime',
      '--http',
      '--watch',
      '--send-interval',
      '--cache-max-age',
      '--observed-poll',
      '--status-interval',
      '--bind',
      '--log-level',
      '--log-format',
    ]) {
      expect(help).toContain(flag);
    }
    for (const variable of ['ADAPTER_HOST_MAPPING', 'ADAPTER_HOST_SERVER', 'ADAPTER_HOST_MODE']) {
      expect(help).toContain(variable);
    }
    expect(help.replace(/\n\s*/g, ' ')).toContain('SIGHUP reloads the mapping');
  });

  it('exits 3 with file:line:column when the mapping has problems, before connecting anywhere', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(
      file,
      [
        'version: 1',
        'devices:',
        '  - id: x',
        '    adapter: modbus',
        '    connection: { transport: tcp, host: h, port: 70000 }',
        '    points:',
        '      /3303/0/5700: { source: { table: holdin, address: 1, type: float32 } }',
        '',
      ].join('\n'),
    );
    const out = capture();
    expect(await cli(['--mapping', file, '--server', 'coap://127.0.0.1:9'], out)).toBe(
      ExitCode.MAPPING_INVALID,
    );
    const text = out.stderr_.join('\n');
    expect(text).toContain(`${file}: 2 problem(s):`);
    expect(text).toContain(`${file}:5:50: connection.port 70000 is too large; expected at most 65535`);
    expect(text).toContain(`${file}:7:40: /3303/0/5700: source.table "holdin" is not valid`);
    // the same from ADAPTER_HOST_MAPPING
    const fromEnv = capture();
    expect(await cli([], fromEnv, { ADAPTER_HOST_MAPPING: file })).toBe(ExitCode.MAPPING_INVALID);
    expect(fromEnv.stderr_.join('\n')).toContain(`${file}:7:40:`);
  });

  it('exits 2 on invalid settings, naming the flag', async () => {
    const out = capture();
    expect(await cli(['--mapping', 'plc.yml', '--mode', 'nope'], out)).toBe(ExitCode.USAGE);
    expect(out.stderr_.join('\n')).toContain('adapter-host: --mode "nope": expected gateway or per-device');
    const lifetime = capture();
    expect(await cli(['--mapping', 'plc.yml', '--lifetime', '5'], lifetime)).toBe(ExitCode.USAGE);
    expect(lifetime.stderr_.join('\n')).toContain('--lifetime: at least 30 seconds');
    const psk = capture();
    expect(await cli(['-m', 'plc.yml', '--server', 'coaps://127.0.0.1'], psk)).toBe(ExitCode.USAGE);
    expect(psk.stderr_.join('\n')).toContain('give --psk-identity and --psk-key-file');
    const unknown = capture();
    expect(await cli(['--mapping', 'plc.yml', '--colour'], unknown)).toBe(ExitCode.USAGE);
    expect(unknown.stderr_.join('\n')).toContain("Unknown option '--colour'");
  });

  it('exits 2 for `run` without a mapping, and for no arguments at all', async () => {
    const out = capture();
    expect(await cli(['run'], out)).toBe(ExitCode.USAGE);
    expect(out.stderr_.join('\n')).toContain('give the mapping file: adapter-host --mapping plc.yml');
    const bare = capture();
    expect(await cli([], bare)).toBe(ExitCode.USAGE);
    expect(bare.stdout_.join('')).toContain('usage: adapter-host [run] --mapping plc.yml');
    const extra = capture();
    expect(await cli(['run', 'a.yml', 'b.yml'], extra)).toBe(ExitCode.USAGE);
    expect(extra.stderr_.join('\n')).toContain('unexpected argument "b.yml"');
  });

  it('exits 2 when the /healthz port is taken', async () => {
    const mapping = join(dir, 'busy.yml');
    await writeFile(
      mapping,
      [
        'version: 1',
        'devices:',
        '  - id: x',
        '    adapter: modbus',
        '    connection: { transport: tcp, host: 127.0.0.1, port: 9 }',
        '    points:',
        '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
        '',
      ].join('\n'),
    );
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const { port } = busy.address() as AddressInfo;
    try {
      const out = capture();
      const code = await runAdapterHostCli(
        [
          '--mapping',
          mapping,
          '--server',
          'coap://127.0.0.1:9',
          '--http',
          `127.0.0.1:${port}`,
          '--log-format',
          'json',
        ],
        { out, env: {}, stopSignal: new Promise(() => {}), onReloadRequest: () => () => {}, isTty: false },
      );
      expect(code).toBe(ExitCode.USAGE);
      expect(out.stderr_.join('\n')).toContain(
        `CONFIG_INVALID: cannot bind the --http port (/healthz, /metrics) on 127.0.0.1:${port}: EADDRINUSE`,
      );
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });

  it('exits 2 when the PSK key file does not hold hex digits', async () => {
    const mapping = join(dir, 'good.yml');
    await writeFile(
      mapping,
      [
        'version: 1',
        'devices:',
        '  - id: x',
        '    adapter: modbus',
        '    connection: { transport: tcp, host: 127.0.0.1, port: 5020 }',
        '    points:',
        '      /3303/0/5700: { source: { table: holding, address: 1, type: float32 } }',
        '',
      ].join('\n'),
    );
    const key = join(dir, 'psk.txt');
    await writeFile(key, 'not a key\n');
    const out = capture();
    const argv = [
      'run',
      mapping,
      '--server',
      'coaps://127.0.0.1:9',
      '--psk-identity',
      'x',
      '--psk-key-file',
      key,
    ];
    expect(await cli(argv, out)).toBe(ExitCode.USAGE);
    expect(out.stderr_.join('\n')).toContain(`CONFIG_INVALID: ${key} must hold the PSK as hex digits`);
  });
});
