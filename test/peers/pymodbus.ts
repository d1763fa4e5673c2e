/**
 * pymodbus (PyPI, pinned 3.16.x) as a real Modbus device for interop tests: TCP with any framer
 * on an ephemeral port, or a serial server on one end of a socat pty pair. A missing peer fails
 * loudly (MissingPeerError) with the command that installs it; nothing is skipped.
 */
import { access, constants } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileAsync, MissingPeerError, type PeerProcess, peersHome, startPeer } from './peer-process.js';

/** The pymodbus version pymodbus_device.py is written for (its datastore API changed across 3.x). */
export const PYMODBUS_VERSION = '3.16';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'pymodbus_device.py');

/** One typed value the device holds, encoded by Python's struct module. */
export interface PymodbusValue {
  readonly table: 'coil' | 'discrete' | 'holding' | 'input';
  readonly address: number;
  /** Omitted for bits; `uint16` with an array value sets raw registers. */
  readonly type?: string;
  /** bigints travel as decimal strings. */
  readonly value: number | bigint | boolean | string | readonly number[];
  readonly order?: string;
  readonly length?: number;
  readonly encoding?: string;
  readonly byteOrder?: 'big' | 'little';
}

export interface PymodbusUnit {
  /** Addresses per table; reading at or beyond it raises exception 2 (illegal data address). */
  readonly size?: number;
  readonly values?: readonly PymodbusValue[];
}

export type PymodbusDeviceConfig = (
  | { readonly transport: 'tcp'; readonly port?: number }
  | { readonly transport: 'serial'; readonly serialPort: string; readonly baudRate?: number }
) & {
  readonly framer: 'socket' | 'rtu' | 'ascii';
  /** Units that answer; any other unit id gets no reply. */
  readonly units: Readonly<Record<number, PymodbusUnit>>;
};

export interface PymodbusDevice {
  /** TCP port (the ephemeral one chosen at the first start, kept across restarts); 0 on serial. */
  readonly port: number;
  readonly peer: PeerProcess;
  stop(): Promise<void>;
  /** Starts the same device again (same port or serial line). */
  restart(): Promise<void>;
}

/** The venv python with pymodbus, or a MissingPeerError saying how to install it. */
export async function requirePymodbusPython(): Promise<string> {
  const python = join(peersHome, 'venv', 'bin', 'python');
  const hint = `python3 -m venv ${join(peersHome, 'venv')} && ${python} -m pip install 'pymodbus==${PYMODBUS_VERSION}.*' pyserial`;
  try {
    await access(python, constants.X_OK);
  } catch {
    throw new MissingPeerError(
      `test peer pymodbus is not installed (no ${python}): ${hint} (bash .ci/run installs every peer)`,
    );
  }
  const { stdout } = await execFileAsync(python, [
    '-c',
    'import pymodbus, serial; print(pymodbus.__version__)',
  ]).catch((err: unknown) => {
    throw new MissingPeerError(`test peer pymodbus cannot be imported by ${python}: ${hint}\n${String(err)}`);
  });
  if (!stdout.trim().startsWith(`${PYMODBUS_VERSION}.`)) {
    throw new MissingPeerError(
      `pymodbus ${stdout.trim()} found, the harness is written for ${PYMODBUS_VERSION}.x: ${hint}`,
    );
  }
  return python;
}

function serialise(config: PymodbusDeviceConfig): string {
  return JSON.stringify(config, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/** Starts a pymodbus device and waits until it serves. */
export async function startPymodbusDevice(config: PymodbusDeviceConfig): Promise<PymodbusDevice> {
  const python = await requirePymodbusPython();
  const launch = async (port: number | undefined) => {
    const effective = config.transport === 'tcp' && port !== undefined ? { ...config, port } : config;
    const peer = startPeer(python, ['-u', script, serialise(effective)]);
    try {
      const match = await peer.waitFor(/READY port=(\d+)/, 20_000);
      return { peer, port: Number(match[1]) };
    } catch (err) {
      await peer.stop();
      throw err;
    }
  };
  let current = await launch(config.transport === 'tcp' ? config.port : undefined);
  const port = current.port;
  return {
    port,
    get peer() {
      return current.peer;
    },
    stop: () => current.peer.stop(),
    async restart() {
      await current.peer.stop();
      current = await launch(port);
    },
  };
}
