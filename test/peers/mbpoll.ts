/**
 * Running mbpoll (Debian, an independent Modbus master) against a device under test.
 * References are 0-based here (`-0`); parity is none (`-P none`) and every call polls once.
 */
import { execFile } from 'node:child_process';
import { requireExecutable } from './peer-process.js';

export interface MbpollResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type MbpollTarget =
  | { readonly mode: 'tcp'; readonly port: number; readonly host?: string }
  | { readonly mode: 'rtu'; readonly device: string; readonly baudRate?: number };

export interface MbpollRequest {
  readonly unitId: number;
  /** 0-based PDU address. */
  readonly address: number;
  readonly count?: number;
  /** mbpoll's `-t`: 0 coils, 1 discrete inputs, 3 input registers, 4 holding, `4:float`, `3:int`... */
  readonly dataType?: string;
  /** `-B`: big-endian word order (ABCD) for 32-bit values; mbpoll's default is CDAB. */
  readonly bigEndianWords?: boolean;
  /** Values to write instead of reading (`count` is then ignored). */
  readonly write?: readonly (number | string)[];
  /** Seconds (mbpoll's `-o`). Default 1. */
  readonly timeoutSeconds?: number;
}

export async function requireMbpoll(): Promise<string> {
  return requireExecutable('mbpoll', 'apt-get install mbpoll');
}

/** Runs mbpoll once; resolves with its exit code and output (never rejects on a non-zero exit). */
export async function runMbpoll(target: MbpollTarget, request: MbpollRequest): Promise<MbpollResult> {
  const mbpoll = await requireMbpoll();
  const args = ['-1', '-q', '-0', '-a', String(request.unitId), '-r', String(request.address)];
  // mbpoll refuses -c when writing: the number of values gives the count.
  if (request.write === undefined) args.push('-c', String(request.count ?? 1));
  args.push('-t', request.dataType ?? '4');
  args.push('-o', String(request.timeoutSeconds ?? 1));
  if (request.bigEndianWords) args.push('-B');
  if (target.mode === 'tcp') args.push('-m', 'tcp', '-p', String(target.port), target.host ?? '127.0.0.1');
  else args.push('-m', 'rtu', '-b', String(target.baudRate ?? 19_200), '-P', 'none', target.device);
  if (request.write !== undefined) args.push('--', ...request.write.map(String));
  return new Promise((resolve, reject) => {
    execFile(mbpoll, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`mbpoll ${args.join(' ')} failed to run: ${error.message}`));
        return;
      }
      resolve({ exitCode: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

/** The values mbpoll printed, by reference: `[12]: 21.5` lines. */
export function mbpollValues(stdout: string): Map<number, string> {
  const values = new Map<number, string>();
  for (const match of stdout.matchAll(/^\[(\d+)\]:\s+(\S+)/gm)) values.set(Number(match[1]), match[2]!);
  return values;
}
