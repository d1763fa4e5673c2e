// @ts-check
import { useEffect, useState } from './vendor/htm-preact.js';

/**
 * Re-renders the component when the store tells its views (batched), and every `tickMs` (times
 * such as "lifetime left" move on their own).
 * @param {import('./live-store.js').LiveStore} store
 * @param {number} [tickMs]
 */
export function useStore(store, tickMs = 0) {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const stop = store.subscribe(() => setVersion(store.version));
    const timer = tickMs > 0 ? setInterval(() => setVersion((v) => v + 1), tickMs) : undefined;
    return () => {
      stop();
      if (timer !== undefined) clearInterval(timer);
    };
  }, [store, tickMs]);
}

/** "12 s", "3 min", "2 h" @param {number} ms */
export function durationText(ms) {
  const s = Math.round(ms / 1000);
  if (Math.abs(s) < 120) return `${s} s`;
  if (Math.abs(s) < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** "4 s ago" or "never" @param {number | undefined} time */
export const agoText = (time) =>
  time === undefined || time <= 0 ? 'never' : `${durationText(Date.now() - time)} ago`;
