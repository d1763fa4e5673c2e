/** Reads a text/event-stream over fetch into frames (id, event, data), as EventSource would. */
export interface SseFrame {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

export interface SseReader {
  readonly status: number;
  readonly contentType: string | null;
  /** The next frame (waits up to `ms`). */
  next(ms?: number): Promise<SseFrame>;
  /** Frames until `predicate` holds for one; returns that one. */
  until(predicate: (frame: SseFrame) => boolean, ms?: number): Promise<SseFrame>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: SseFrame[] = [];
  const parse = () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end < 0) return;
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) frames.push({ id, event, data: data.join('\n') });
    }
  };
  const next = async (ms = 5_000): Promise<SseFrame> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const frame = frames.shift();
      if (frame !== undefined) return frame;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no event-stream frame in time');
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), left);
        }),
      ]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      if (chunk.done) throw new Error('the event stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
      parse();
    }
  };
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    next,
    async until(predicate, ms = 5_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const frame = await next(Math.max(1, deadline - Date.now()));
        if (predicate(frame)) return frame;
      }
    },
    close: () => abort.abort(),
  };
}
