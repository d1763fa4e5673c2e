// @ts-check
// What the console knows, kept live: registrations (re-read when the topology changes), the last
// value of each resource, a short history of the resources being charted, and the events list.
// The event stream may bring thousands of values a second: they land in maps at once, and views
// are told at most every RENDER_INTERVAL_MS (render batched).

import { apiCall } from './api.js';

const RENDER_INTERVAL_MS = 150;
const TOPOLOGY_DEBOUNCE_MS = 250;
const RECONNECT_MS = 1_000;
const EVENTS_KEPT = 300;
const TREND_WINDOW_MS = 10 * 60_000;
const TREND_POINTS = 2_000;

const TOPOLOGY_TYPES = new Set([
  'registered',
  'updated',
  'deregistered',
  'childrenChanged',
  'awake',
  'asleep',
]);
const LISTED_TYPES = new Set([...TOPOLOGY_TYPES, 'syncFailed', 'sendRejected']);

/**
 * @typedef {{ type: string, value: unknown, time: number }} LiveValue
 * @typedef {{ t: number[], v: number[] }} Series
 */

/** The path in the end device's namespace: a value under a prefix loses it. */
const withoutPrefix = (/** @type {string} */ path) => path.replace(/^\/[^/]+/, '');

export class LiveStore {
  /** @type {any[]} ClientJson */
  clients = [];
  /** @type {Map<string, LiveValue>} `${targetKey} ${path}` */
  values = new Map();
  /** @type {Map<string, number>} targetKey -> last time a value came */
  lastSeen = new Map();
  /** @type {Map<string, Series>} charted keys */
  series = new Map();
  /** @type {any[]} newest first */
  events = [];
  /** Object definitions by `id@version`, fetched once. @type {Map<string, Promise<any>>} */
  definitions = new Map();
  /** Keys this page observed through the API (to offer the cancel). @type {Set<string>} */
  observed = new Set();
  /** Values received since the page opened. */
  valueCount = 0;
  connection = 'connecting';
  loaded = false;
  /** Bumped when what the views show changed. */
  version = 0;

  /** @type {Set<() => void>} */
  #listeners = new Set();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #renderTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #topologyTimer;
  /** @type {EventSource | undefined} */
  #source;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #reconnectTimer;
  #closed = false;
  /** The `seq` of the last event taken (0: none yet). */
  #lastSeq = 0;
  #eventsUrl;
  #clientsUrl;

  constructor({ eventsUrl = '/api/events', clientsUrl = '/api/clients' } = {}) {
    this.#eventsUrl = eventsUrl;
    this.#clientsUrl = clientsUrl;
  }

  start() {
    void this.refreshTopology();
    this.#connect();
  }

  /**
   * Opens the event stream from the last event seen: the first time from 0, so the server's
   * recent events (it keeps the last 1,000) fill the list; after a drop, where it stopped. The
   * query names the id (it wins over EventSource's own Last-Event-ID), so reconnecting is ours.
   */
  #connect() {
    const source = new EventSource(`${this.#eventsUrl}?lastEventId=${this.#lastSeq}`);
    this.#source = source;
    source.onopen = () => {
      this.connection = 'live';
      this.changed();
    };
    source.onerror = () => {
      source.close();
      if (this.#closed) return;
      this.connection = 'reconnecting';
      this.changed();
      this.#reconnectTimer = setTimeout(() => this.#connect(), RECONNECT_MS);
    };
    source.onmessage = (message) => {
      const seq = Number(message.lastEventId);
      if (Number.isSafeInteger(seq) && seq > 0) this.#lastSeq = seq;
      try {
        this.apply(JSON.parse(message.data));
      } catch {
        // a message we cannot read is left out; the stream goes on
      }
    };
    // events were missed (or the server restarted): re-read the state; the replay follows
    source.addEventListener('resync', () => void this.refreshTopology());
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#source?.close();
    clearTimeout(this.#renderTimer);
    clearTimeout(this.#topologyTimer);
  }

  /** @param {() => void} listener @returns {() => void} */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells the views, at most every RENDER_INTERVAL_MS (`now`: at once, e.g. the first registrations). */
  changed(now = false) {
    if (now) {
      clearTimeout(this.#renderTimer);
      this.#tell();
      return;
    }
    if (this.#renderTimer !== undefined) return;
    this.#renderTimer = setTimeout(() => this.#tell(), RENDER_INTERVAL_MS);
  }

  #tell() {
    this.#renderTimer = undefined;
    this.version += 1;
    for (const listener of this.#listeners) listener();
  }

  async refreshTopology() {
    const answer = await apiCall('GET', this.#clientsUrl);
    if (answer.ok && Array.isArray(answer.body?.clients)) {
      this.clients = answer.body.clients;
      const first = !this.loaded;
      this.loaded = true;
      this.changed(first);
    }
  }

  #topologyChanged() {
    clearTimeout(this.#topologyTimer);
    this.#topologyTimer = setTimeout(() => void this.refreshTopology(), TOPOLOGY_DEBOUNCE_MS);
  }

  /** One event of the stream. @param {any} event */
  apply(event) {
    if (event === null || typeof event !== 'object' || typeof event.type !== 'string') return;
    if (TOPOLOGY_TYPES.has(event.type)) this.#topologyChanged();
    if (LISTED_TYPES.has(event.type)) {
      this.events.unshift(event);
      if (this.events.length > EVENTS_KEPT) this.events.length = EVENTS_KEPT;
    }
    const time = Date.parse(event.time) || Date.now();
    if (event.type === 'notification' && Array.isArray(event.values)) {
      const target = event.deviceId === null ? `clients/${event.endpoint}` : `devices/${event.deviceId}`;
      for (const entry of event.values) {
        this.setValue(target, event.deviceId === null ? entry.path : withoutPrefix(entry.path), entry, time);
      }
    } else if (
      (event.type === 'send' || event.type === 'compositeNotification') &&
      Array.isArray(event.values)
    ) {
      for (const entry of event.values) {
        const device = entry.deviceId ?? null;
        const target = device === null ? `clients/${event.endpoint}` : `devices/${device}`;
        const at = entry.timestamp ? Date.parse(entry.timestamp) || time : time;
        this.setValue(target, device === null ? entry.path : withoutPrefix(entry.path), entry, at);
      }
    }
    this.changed();
  }

  /**
   * @param {string} target targetKey
   * @param {string} path in the target's namespace
   * @param {{ type: string, value: unknown }} entry
   * @param {number} time
   */
  setValue(target, path, entry, time) {
    const key = `${target} ${path}`;
    this.values.set(key, { type: entry.type, value: entry.value, time });
    this.lastSeen.set(target, Math.max(time, this.lastSeen.get(target) ?? 0));
    this.valueCount += 1;
    const series = this.series.get(key);
    if (series !== undefined && typeof entry.value === 'number') {
      series.t.push(time / 1000);
      series.v.push(entry.value);
      const horizon = (Date.now() - TREND_WINDOW_MS) / 1000;
      let drop = 0;
      while (drop < series.t.length && (series.t[drop] ?? 0) < horizon) drop += 1;
      drop = Math.max(drop, series.t.length - TREND_POINTS);
      if (drop > 0) {
        series.t.splice(0, drop);
        series.v.splice(0, drop);
      }
    }
  }

  /** Starts keeping a resource's history (from its current value). @param {string} key */
  trend(key) {
    if (this.series.has(key)) return;
    const current = this.values.get(key);
    this.series.set(key, {
      t: current && typeof current.value === 'number' ? [current.time / 1000] : [],
      v: current && typeof current.value === 'number' ? [current.value] : [],
    });
    this.changed();
  }

  /** @param {string} key */
  untrend(key) {
    this.series.delete(key);
    this.changed();
  }
}
