/**
 * The OPC UA adapter's browse capability (`adapter-host browse opc.tcp://host:port`): walks the
 * server and prints a starting mapping that validates as it is.
 */
import { CodedError } from '@lwm2m-adapters/errors';
import type { ProbeValues } from '@lwm2m-adapters/sdk';
import { opcuaConnectionSchema } from '../config/connection-schema.js';
import { parseNodeIdText } from '../config/node-id-text.js';
import { browseServer } from './browse-server.js';
import { proposeMapping } from './propose-mapping.js';

function text(values: ProbeValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Walks the server at `target` as the options say and returns the proposed mapping YAML. */
export async function runOpcuaBrowse(target: string, values: ProbeValues): Promise<string> {
  const endpoint = opcuaConnectionSchema.safeParse({ endpoint: target });
  if (!endpoint.success)
    throw new CodedError(
      'CONFIG_INVALID',
      `${target} is not an endpoint URL such as opc.tcp://192.168.1.10:4840`,
    );
  const depthText = text(values, 'depth') ?? '4';
  if (!/^\d+$/.test(depthText) || Number(depthText) < 1 || Number(depthText) > 20)
    throw new CodedError('CONFIG_INVALID', `--depth must be 1..20, not ${JSON.stringify(depthText)}`);
  const from = text(values, 'from');
  if (from !== undefined) {
    const parsed = parseNodeIdText(from);
    if ('error' in parsed) throw new CodedError('CONFIG_INVALID', `--from: ${parsed.error}`);
    if (parsed.namespaceUri !== undefined)
      throw new CodedError(
        'CONFIG_INVALID',
        '--from takes a NodeId with a namespace index (ns=2;...), not nsu=',
      );
  }
  const deviceId = text(values, 'device-id');
  const result = await browseServer({
    endpoint: target,
    depth: Number(depthText),
    ...(from === undefined ? {} : { from }),
  });
  return proposeMapping(result, { endpoint: target, ...(deviceId === undefined ? {} : { deviceId }) });
}
