import { CodedError, isCodedError } from '@lwm2m-adapters/errors';
import type { AdapterIssue, PointSpec } from '@lwm2m-adapters/sdk';
import { OPCUAClient } from 'node-opcua-client';
import type { OpcuaConnection } from '../config/connection-schema.js';
import { isMethodPoint, type OpcuaPoint } from '../config/point-schema.js';
import { errorFromException } from '../errors/status-errors.js';
import { clientOptionsOf, openClientPki, userIdentityOf } from './client-options.js';
import { resolvePoints } from './node-resolution.js';
import { readOperationLimits } from './operation-limits.js';

/**
 * `validate --online`: connects once (no retry) within `timeoutMs`, resolves every point as a
 * session would at start and returns an issue per point whose node is missing or whose
 * DataType/ValueRank does not fit. Throws a CodedError (DEVICE_UNREACHABLE, DEVICE_TIMEOUT,
 * DEVICE_ACCESS_DENIED...) when the server cannot be reached. Secrets never appear in messages.
 */
export async function checkOpcuaPointsOnline(
  connection: OpcuaConnection,
  points: readonly PointSpec<OpcuaPoint>[],
  options: { readonly timeoutMs?: number } = {},
): Promise<AdapterIssue[]> {
  const redact = (text: string) =>
    connection.user.type === 'username' && connection.user.password.length > 0
      ? text.split(connection.user.password).join('***')
      : text;
  const timeoutMs = options.timeoutMs ?? connection.connectTimeoutMs + connection.requestTimeoutMs;
  const pki = await openClientPki(connection);
  const client = OPCUAClient.create(clientOptionsOf(connection, pki));
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<AdapterIssue[]> => {
    await client.connect(connection.endpoint);
    const session = await client.createSession(await userIdentityOf(connection));
    try {
      const resolutions = await resolvePoints(
        session,
        new Map(points.map((p) => [p.id, p.source])),
        await readOperationLimits(session),
      );
      const issues: AdapterIssue[] = [];
      for (const spec of points) {
        const r = resolutions.get(spec.id);
        if (r === undefined || r.ok) continue;
        const field = isMethodPoint(spec.source)
          ? ['method']
          : r.error.code === 'DEVICE_VALUE_REJECTED'
            ? ['type']
            : ['node'];
        issues.push({ pointId: spec.id, field, message: redact(r.error.message) });
      }
      return issues;
    } finally {
      await session.close().catch(() => undefined);
    }
  };
  try {
    return await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new CodedError(
                'DEVICE_TIMEOUT',
                `OPC UA ${connection.endpoint}: the online check took longer than ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    throw isCodedError(err) ? err : errorFromException(err, `OPC UA ${connection.endpoint}`, redact);
  } finally {
    clearTimeout(timer);
    await client.disconnect().catch(() => undefined);
    await pki.dispose().catch(() => undefined);
  }
}
