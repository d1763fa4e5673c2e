/** Runtime pieces every package shares; nothing here does I/O. */
export {
  type BackoffPolicy,
  backoffDelay,
  CappedBackoff,
  REJECTED_BACKOFF,
  UNREACHABLE_BACKOFF,
} from './backoff.js';
export { type Clock, systemClock } from './clock.js';
export {
  CLOCK_TIMER_TOLERANCE_MS,
  type ClockTimer,
  MAX_CLOCK_TIMER_DELAY_MS,
  SystemClockTimer,
} from './clock-timer.js';
export { createClockTimer } from './create-clock-timer.js';
export { Fifo } from './fifo.js';
export { FifoMap } from './fifo-map.js';
export { ListenerSet } from './listener-set.js';
export {
  type EventLogger,
  eventLoggerFor,
  type LogEntry,
  type LogLevel,
  type StructuredLogger,
  silentEventLogger,
  silentLogger,
} from './logger.js';
export { ManualClock } from './manual-clock.js';
export { MAX_TIMER_CHUNK_MS, RestartableTimer } from './restartable-timer.js';
export { SlotList } from './slot-list.js';
export { TimerSet } from './timer-set.js';
export {
  assertWellFormedText,
  decodeUtf8,
  decodeUtf8Range,
  encodeUtf8,
  encodeUtf8Into,
  utf8Length,
} from './utf8-strict.js';
