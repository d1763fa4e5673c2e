/**
 * node-opcua writes its own warnings and errors ("Creating default certificate ... please wait",
 * socket errors while a server is away) with console.log, process-wide. The first session that
 * loads node-opcua routes them, once for the process (node-opcua's loggers are process-global),
 * into its adapter logger at debug level with `source: "node-opcua"`, so they do not litter the
 * host's output; the session reports what matters itself.
 */
import type { AdapterLogger } from '@lwm2m-adapters/sdk';
import { setErrorLogger, setWarningLogger } from 'node-opcua-client';

let routed = false;

/** A node-opcua log call's message: it passes a context object first, then the message parts. */
export function nodeOpcuaLogText(args: readonly unknown[]): string {
  return args
    .filter((a) => typeof a === 'string' || typeof a === 'number')
    .join(' ')
    .trim();
}

export function routeNodeOpcuaLogs(logger: AdapterLogger): void {
  if (routed) return;
  routed = true;
  const forward =
    (level: 'warning' | 'error') =>
    (...args: unknown[]) => {
      logger.debug({ source: 'node-opcua', level }, nodeOpcuaLogText(args));
    };
  setWarningLogger(forward('warning'));
  setErrorLogger(forward('error'));
}
