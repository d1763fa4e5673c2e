import type { IncomingMessage } from 'node:http';
import { CodedError } from '@lwm2m-adapters/errors';

/**
 * Reads a request body as JSON: at most `maxBytes` (API_PAYLOAD_TOO_LARGE beyond, without reading
 * the rest), within `timeoutMs` (API_REQUEST_INVALID). An empty body is `undefined`.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: CodedError | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const timer = setTimeout(
      () =>
        finish(
          new CodedError('API_REQUEST_INVALID', `the request body did not arrive within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        finish(undefined, undefined);
        return;
      }
      try {
        finish(undefined, JSON.parse(text));
      } catch (error) {
        finish(
          new CodedError(
            'API_REQUEST_INVALID',
            `the request body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }
    };
    const onError = (error: Error) =>
      finish(
        new CodedError('API_REQUEST_INVALID', `the request body failed: ${error.message}`, { cause: error }),
      );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBytes: number): CodedError {
  return new CodedError('API_PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}
