import {
  type CoapOutgoingResponse,
  type NotificationOutcome,
  type PeerAddress,
  peerKeyOf,
} from '@lwm2m-adapters/coap';
import {
  type Clock,
  type EventLogger,
  ListenerSet,
  RestartableTimer,
  silentEventLogger,
} from '@lwm2m-adapters/kit';
import { type LwM2mNode, type LwM2mPath, nodesEqual, type PathNode } from '@lwm2m-adapters/lwm2m-core';
import type { LwM2mCoapLink } from '../link/coap-link.js';
import { fail, RequestFailure } from '../operations/request-failure.js';
import type { AttributeStore } from './attribute-store.js';
import { changeMeetsConditions, numericValueOf } from './notification-conditions.js';
import { NotificationPolicy, type NotificationPolicyOptions } from './notification-policy.js';
import {
  effectiveMaxEvaluationPeriod,
  effectiveMaxPeriod,
  hasNumericConditions,
  type ObservationAttributes,
} from './observation-attributes.js';
import { PathOverlapIndex } from './path-overlap-index.js';

/** What observations read and encode (the client's data model). */
export interface ObservedData {
  read(path: LwM2mPath): Promise<LwM2mNode>;
  encode(path: LwM2mPath, node: LwM2mNode, contentFormat: number): Uint8Array;
  encodeNodes(nodes: readonly PathNode[], contentFormat: number): Uint8Array;
}

/** An accepted Observe / Observe-Composite, with the nodes of its first response. */
export interface ObservationRequest {
  readonly peer: PeerAddress;
  readonly token: Uint8Array;
  readonly paths: readonly LwM2mPath[];
  readonly composite: boolean;
  readonly contentFormat: number;
  readonly initial: readonly PathNode[];
}

/** How often the host should sample one observed path ("observation drives sampling"). */
export interface SamplingEntry {
  readonly path: LwM2mPath;
  /** Sample no more often than this many seconds (smallest epmin), when set. */
  readonly minPeriodSeconds: number | undefined;
  /** Sample at least every this many seconds (smallest epmax, else pmax), when bounded. */
  readonly maxPeriodSeconds: number | undefined;
  /** Smallest pmin (seconds between notifications), when set: a device that pushes changes need not sample faster. */
  readonly minNotifySeconds?: number | undefined;
  /** Smallest step (st), when set: changes smaller than this are not notified. */
  readonly step?: number | undefined;
  /** Observations covering the path. */
  readonly observations: number;
}

export interface ObservationSummary {
  readonly peer: PeerAddress;
  /** Token in hex. */
  readonly token: string;
  readonly paths: readonly LwM2mPath[];
  readonly composite: boolean;
  readonly contentFormat: number;
  /** Attributes in effect per path. */
  readonly attributes: readonly ObservationAttributes[];
}

export interface ObservationStats {
  readonly active: number;
  readonly notificationsSent: number;
  /** Notifications not sent because reading or encoding failed (transient device faults). */
  readonly notificationsSkipped: number;
  /** Notifications the endpoint dropped (queue full, closed). */
  readonly notificationsDropped: number;
  /** Observations refused because the table was full. */
  readonly observationsRefused: number;
}

export interface ObservationManagerOptions {
  readonly clock: Clock;
  readonly link: Pick<LwM2mCoapLink, 'notify'>;
  readonly data: ObservedData;
  readonly attributes: AttributeStore;
  /** Default pmin/pmax (from /1/x/2 and /1/x/3). */
  readonly defaults: () => ObservationAttributes;
  readonly policy?: NotificationPolicyOptions | undefined;
  /** Largest number of observations kept; more are refused with 5.03. Default 256. */
  readonly maxObservations?: number | undefined;
  readonly log?: EventLogger | undefined;
}

interface Target {
  readonly path: LwM2mPath;
  attributes: ObservationAttributes;
  /** Node last notified: gt/lt/st and sampling compare against it. */
  lastNode: LwM2mNode | undefined;
}

interface Observation {
  readonly key: string;
  readonly peer: PeerAddress;
  readonly token: Uint8Array;
  readonly composite: boolean;
  readonly contentFormat: number;
  readonly targets: Target[];
  lastNotifiedAt: number;
  lastConfirmableAt: number;
  lastEvaluatedAt: number;
  inFlight: boolean;
  dueAgain: boolean;
  /** An evaluation is reading values; another request for one waits for it (one read at a time). */
  evaluating: boolean;
  evaluateAgain: 'change' | 'sample' | undefined;
  /** Sends the pending notification when pmin has elapsed. */
  /** Created when first set: most observations never need all three (a few hundred bytes each). */
  pminTimer: RestartableTimer | undefined;
  pmaxTimer: RestartableTimer | undefined;
  /** Next evaluation (epmax period, or the end of an epmin window). */
  evaluationTimer: RestartableTimer | undefined;
  changeSeen: boolean;
}

const SEQUENCE_MODULO = 2 ** 24;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** An attribute in seconds (absent = 0) as milliseconds of the clock. */
function secondsToMs(value: number | undefined): number {
  return (value ?? 0) * 1000;
}

/**
 * Observation state of the client, owned by the engine (not by the CoAP library): one entry per
 * peer + token, with its path(s), content format, Observe sequence and timers on the injected
 * clock. Notifications follow the attributes in effect (pmin/pmax, gt/lt/st, epmin/epmax), go out
 * NON unless the policy asks for CON, and end on RST or CON timeout. A read that fails (device
 * unreachable) skips that notification and never ends the observation; only a path that no longer
 * exists ends it, with a 4.04 notification.
 */
export class ObservationManager {
  readonly #clock: Clock;
  readonly #link: Pick<LwM2mCoapLink, 'notify'>;
  readonly #data: ObservedData;
  readonly #attributes: AttributeStore;
  readonly #defaults: () => ObservationAttributes;
  readonly #policy: NotificationPolicy;
  readonly #log: EventLogger;
  readonly maxObservations: number;
  readonly #observations = new Map<string, Observation>();
  /** The observations by their target paths, so a change finds its observers without a scan. */
  readonly #byPath = new PathOverlapIndex<Observation>();
  readonly #samplingListeners: ListenerSet<readonly SamplingEntry[]>;
  /** Cancels the queued sampling-plan publication, when one is queued. */
  #cancelSampling: (() => void) | undefined;
  #sequence = 0;
  #sent = 0;
  #skipped = 0;
  #dropped = 0;
  #refused = 0;

  constructor(options: ObservationManagerOptions) {
    this.#clock = options.clock;
    this.#link = options.link;
    this.#data = options.data;
    this.#attributes = options.attributes;
    this.#defaults = options.defaults;
    this.#policy = new NotificationPolicy(options.policy);
    this.#log = options.log ?? silentEventLogger;
    this.maxObservations = options.maxObservations ?? 256;
    this.#samplingListeners = new ListenerSet((error) =>
      this.#log({ level: 'warn', event: 'listener-failed', message: 'a sampling listener threw', error }),
    );
  }

  get size(): number {
    return this.#observations.size;
  }

  get stats(): ObservationStats {
    return {
      active: this.#observations.size,
      notificationsSent: this.#sent,
      notificationsSkipped: this.#skipped,
      notificationsDropped: this.#dropped,
      observationsRefused: this.#refused,
    };
  }

  /**
   * Registers an accepted observation (replacing one with the same peer and token) and returns the
   * Observe value of its first response. Throws 5.03 when the table is full.
   */
  start(request: ObservationRequest): number {
    const key = `${peerKeyOf(request.peer)}|${hex(request.token)}`;
    const existing = this.#observations.get(key);
    if (existing !== undefined) this.#remove(existing);
    else if (this.#observations.size >= this.maxObservations) {
      this.#refused++;
      throw fail.unavailable(`too many observations (limit ${this.maxObservations})`);
    }
    const now = this.#clock.now();
    const initial = new Map(request.initial.map((n) => [n.path.toString(), n.node]));
    const observation: Observation = {
      key,
      peer: request.peer,
      token: Uint8Array.from(request.token),
      composite: request.composite,
      contentFormat: request.contentFormat,
      targets: request.paths.map((path) => {
        return {
          path,
          attributes: this.#attributes.effective(path, this.#defaults()),
          lastNode: initial.get(path.toString()),
        };
      }),
      lastNotifiedAt: now,
      lastConfirmableAt: now,
      lastEvaluatedAt: now,
      inFlight: false,
      dueAgain: false,
      evaluating: false,
      evaluateAgain: undefined,
      pminTimer: undefined,
      pmaxTimer: undefined,
      evaluationTimer: undefined,
      changeSeen: false,
    };
    this.#observations.set(key, observation);
    for (const target of observation.targets) this.#byPath.add(target.path, observation);
    this.#schedulePmax(observation);
    this.#scheduleEvaluation(observation);
    this.#samplingChanged();
    return this.#nextSequence();
  }

  /** Cancels the observation of `peer` + `token` (GET/FETCH with Observe=1, or RST). */
  cancel(peer: PeerAddress, token: Uint8Array): boolean {
    const observation = this.#observations.get(`${peerKeyOf(peer)}|${hex(token)}`);
    if (observation === undefined) return false;
    this.#remove(observation);
    this.#samplingChanged();
    return true;
  }

  /**
   * Whether an observation may concern a change under `prefix` (an end device's; undefined: the
   * client's own tree) and `objectId`: false means `changed` would notify none there.
   */
  mayConcern(prefix: string | undefined, objectId: number): boolean {
    return this.#observations.size > 0 && this.#byPath.mayOverlap(prefix, objectId);
  }

  /** Reports a changed value (any level, with prefix): notifies the observations it concerns. */
  changed(path: LwM2mPath): void {
    if (this.#observations.size === 0) return;
    for (const observation of this.#byPath.overlapping(path)) this.#onChange(observation);
  }

  /** Recomputes attributes after a Write-Attributes (or a /1 default change) and reschedules. */
  attributesChanged(): void {
    const defaults = this.#defaults();
    for (const observation of this.#observations.values()) {
      for (const target of observation.targets) {
        target.attributes = this.#attributes.effective(target.path, defaults);
      }
      this.#schedulePmax(observation);
      this.#scheduleEvaluation(observation);
    }
    this.#samplingChanged();
  }

  /**
   * Ends the observations whose paths are all at or below `path` (instance deleted, end device
   * removed) with a CON 4.04 notification, as RFC 7641 asks.
   */
  async endUnder(path: LwM2mPath): Promise<void> {
    const ended = [...this.#observations.values()].filter((o) =>
      o.targets.every((t) => t.path.startsWith(path)),
    );
    if (ended.length === 0) return;
    for (const observation of ended) this.#remove(observation);
    this.#samplingChanged();
    await Promise.all(
      ended.map((observation) =>
        this.#send(observation, { code: '4.04' }, true).catch(() => 'dropped' as NotificationOutcome),
      ),
    );
  }

  /** Forgets every observation without notifying (new Register, De-register, close). */
  clear(): void {
    if (this.#observations.size === 0) {
      // a queued plan (after a cancel, say) still goes out: listeners must not keep a stale one
      if (this.#cancelSampling !== undefined) this.#publishSampling();
      return;
    }
    for (const observation of [...this.#observations.values()]) this.#remove(observation);
    // at once: the host stops sampling before the registration goes, and no timer stays behind
    this.#publishSampling();
  }

  list(): ObservationSummary[] {
    return [...this.#observations.values()].map((o) => ({
      peer: o.peer,
      token: hex(o.token),
      paths: o.targets.map((t) => t.path),
      composite: o.composite,
      contentFormat: o.contentFormat,
      attributes: o.targets.map((t) => t.attributes),
    }));
  }

  /** Observed paths with the sampling periods their attributes ask for. */
  samplingPlan(): SamplingEntry[] {
    const byPath = new Map<
      string,
      {
        path: LwM2mPath;
        min: number | undefined;
        max: number | undefined;
        pmin: number | undefined;
        step: number | undefined;
        count: number;
      }
    >();
    const least = (a: number | undefined, b: number | undefined): number | undefined =>
      b === undefined ? a : Math.min(a ?? b, b);
    for (const observation of this.#observations.values()) {
      for (const target of observation.targets) {
        const key = target.path.toString();
        const entry = byPath.get(key) ?? {
          path: target.path,
          min: undefined,
          max: undefined,
          pmin: undefined,
          step: undefined,
          count: 0,
        };
        const min = target.attributes.epmin;
        const max = effectiveMaxEvaluationPeriod(target.attributes) ?? effectiveMaxPeriod(target.attributes);
        entry.min = least(entry.min, min);
        entry.max = least(entry.max, max);
        entry.pmin = least(entry.pmin, target.attributes.pmin);
        entry.step = least(entry.step, target.attributes.st);
        entry.count++;
        byPath.set(key, entry);
      }
    }
    return [...byPath.values()]
      .sort((a, b) => (a.path.toString() < b.path.toString() ? -1 : 1))
      .map((e) => ({
        path: e.path,
        minPeriodSeconds: e.min,
        maxPeriodSeconds: e.max,
        ...(e.pmin === undefined ? {} : { minNotifySeconds: e.pmin }),
        ...(e.step === undefined ? {} : { step: e.step }),
        observations: e.count,
      }));
  }

  onSamplingPlanChanged(listener: (plan: readonly SamplingEntry[]) => void): () => void {
    return this.#samplingListeners.add(listener);
  }

  // ---- internals ----

  #nextSequence(): number {
    const value = this.#sequence;
    this.#sequence = (this.#sequence + 1) % SEQUENCE_MODULO;
    return value;
  }

  #remove(observation: Observation): void {
    observation.pminTimer?.cancel();
    observation.pmaxTimer?.cancel();
    observation.evaluationTimer?.cancel();
    if (this.#observations.get(observation.key) !== observation) return;
    this.#observations.delete(observation.key);
    for (const target of observation.targets) this.#byPath.remove(target.path, observation);
  }

  #timer(observation: Observation, which: 'pminTimer' | 'pmaxTimer' | 'evaluationTimer'): RestartableTimer {
    let timer = observation[which];
    if (timer === undefined) {
      timer = new RestartableTimer(this.#clock);
      observation[which] = timer;
    }
    return timer;
  }

  #isActive(observation: Observation): boolean {
    return this.#observations.get(observation.key) === observation;
  }

  /**
   * Publishes the sampling plan once per burst: a server observing thousands of resources sends
   * thousands of Observes at once, and a plan per Observe would cost O(n²). The plan goes out on a
   * zero-delay timer, after every request that arrived together has been handled.
   */
  #samplingChanged(): void {
    if (this.#samplingListeners.size === 0 || this.#cancelSampling !== undefined) return;
    this.#cancelSampling = this.#clock.setTimer(0, () => {
      this.#cancelSampling = undefined;
      this.#publishSampling();
    });
  }

  /** Publishes the plan now, instead of any queued publication. */
  #publishSampling(): void {
    this.#cancelSampling?.();
    this.#cancelSampling = undefined;
    if (this.#samplingListeners.size > 0) this.#samplingListeners.emit(this.samplingPlan());
  }

  /** Smallest pmin and smallest honoured pmax over the targets. */
  #periods(observation: Observation): {
    pmin: number;
    pmax: number | undefined;
    epmin: number;
    epmax: number | undefined;
  } {
    let pmin: number | undefined;
    let pmax: number | undefined;
    let epmin: number | undefined;
    let epmax: number | undefined;
    for (const { attributes } of observation.targets) {
      const p = attributes.pmin ?? 0;
      pmin = pmin === undefined ? p : Math.min(pmin, p);
      const max = effectiveMaxPeriod(attributes);
      if (max !== undefined) pmax = pmax === undefined ? max : Math.min(pmax, max);
      const e = attributes.epmin ?? 0;
      epmin = epmin === undefined ? e : Math.min(epmin, e);
      const emax = effectiveMaxEvaluationPeriod(attributes);
      if (emax !== undefined) epmax = epmax === undefined ? emax : Math.min(epmax, emax);
    }
    return { pmin: pmin ?? 0, pmax, epmin: epmin ?? 0, epmax };
  }

  #schedulePmax(observation: Observation): void {
    const { pmax } = this.#periods(observation);
    if (pmax === undefined) {
      observation.pmaxTimer?.cancel();
      return;
    }
    const delay = observation.lastNotifiedAt + secondsToMs(pmax) - this.#clock.now();
    this.#timer(observation, 'pmaxTimer').set(delay, () => void this.#notify(observation));
  }

  #scheduleEvaluation(observation: Observation): void {
    const { epmax } = this.#periods(observation);
    if (epmax === undefined) {
      if (!observation.changeSeen) observation.evaluationTimer?.cancel();
      return;
    }
    const delay = observation.lastEvaluatedAt + secondsToMs(epmax) - this.#clock.now();
    this.#timer(observation, 'evaluationTimer').set(delay, () => void this.#evaluate(observation, 'sample'));
  }

  #onChange(observation: Observation): void {
    const { epmin } = this.#periods(observation);
    const now = this.#clock.now();
    const nextAllowed = observation.lastEvaluatedAt + secondsToMs(epmin);
    if (epmin > 0 && now < nextAllowed) {
      // Inside the minimum evaluation period: evaluate once when it ends.
      if (!observation.changeSeen) {
        observation.changeSeen = true;
        this.#timer(observation, 'evaluationTimer').set(
          nextAllowed - now,
          () => void this.#evaluate(observation, 'change'),
        );
      }
      return;
    }
    void this.#evaluate(observation, 'change');
  }

  /**
   * Decides whether a notification is due. `change`: the host reported a change; it counts at
   * once unless gt/lt/st apply, which need the value. `sample`: an evaluation period ended; the
   * values are read and compared with the last notified ones.
   */
  async #evaluate(observation: Observation, reason: 'change' | 'sample'): Promise<void> {
    if (!this.#isActive(observation)) return;
    if (observation.evaluating) {
      if (observation.evaluateAgain !== 'change') observation.evaluateAgain = reason;
      return;
    }
    observation.evaluating = true;
    try {
      await this.#evaluateOnce(observation, reason);
    } finally {
      observation.evaluating = false;
      const again = observation.evaluateAgain;
      observation.evaluateAgain = undefined;
      if (again !== undefined && this.#isActive(observation)) void this.#evaluate(observation, again);
    }
  }

  async #evaluateOnce(observation: Observation, reason: 'change' | 'sample'): Promise<void> {
    observation.changeSeen = false;
    observation.lastEvaluatedAt = this.#clock.now();
    this.#scheduleEvaluation(observation);
    for (const target of observation.targets) {
      const conditional = !observation.composite && hasNumericConditions(target.attributes);
      if (reason === 'change' && !conditional) {
        this.#due(observation);
        return;
      }
      let current: LwM2mNode;
      try {
        current = await this.#data.read(target.path);
      } catch (error) {
        if (error instanceof RequestFailure && error.code === '4.04' && !observation.composite) {
          await this.endUnder(target.path);
          return;
        }
        this.#log({
          level: 'debug',
          event: 'evaluation-skipped',
          message: `${target.path}: reading the observed value failed`,
          error,
        });
        continue;
      }
      if (!this.#isActive(observation)) return;
      const last = target.lastNode;
      const due = conditional
        ? changeMeetsConditions(
            target.attributes,
            last === undefined ? undefined : numericValueOf(last),
            numericValueOf(current),
          )
        : last === undefined || !nodesEqual(last, current);
      if (due) {
        this.#due(observation);
        return;
      }
    }
  }

  /** A notification is due: now when pmin allows, else when pmin ends. */
  #due(observation: Observation): void {
    const { pmin } = this.#periods(observation);
    const wait = observation.lastNotifiedAt + secondsToMs(pmin) - this.#clock.now();
    if (wait <= 0) {
      void this.#notify(observation);
      return;
    }
    if (observation.pminTimer?.pending !== true)
      this.#timer(observation, 'pminTimer').set(wait, () => void this.#notify(observation));
  }

  async #notify(observation: Observation): Promise<void> {
    if (!this.#isActive(observation)) return;
    if (observation.inFlight) {
      observation.dueAgain = true;
      return;
    }
    observation.inFlight = true;
    observation.pminTimer?.cancel();
    const startedAt = this.#clock.now();
    try {
      const built = await this.#build(observation);
      if (built === 'gone' || !this.#isActive(observation)) return;
      if (built === undefined) {
        this.#skipped++;
        observation.lastNotifiedAt = startedAt;
        return;
      }
      const confirmable = this.#policy.isConfirmable(observation.lastConfirmableAt, startedAt);
      const outcome = await this.#send(
        observation,
        {
          code: '2.05',
          contentFormat: observation.contentFormat,
          payload: built.payload,
          observe: this.#nextSequence(),
        },
        confirmable,
      );
      observation.lastNotifiedAt = startedAt;
      if (outcome === 'reset' || outcome === 'timeout') {
        this.#log({
          level: 'info',
          event: 'observation-ended',
          message: `observation of ${observation.targets.map((t) => t.path).join(', ')} ended: ${outcome}`,
        });
        this.#remove(observation);
        this.#samplingChanged();
        return;
      }
      if (outcome === 'dropped') {
        this.#dropped++;
        return;
      }
      this.#sent++;
      if (confirmable) observation.lastConfirmableAt = startedAt;
      for (const target of observation.targets) {
        const node = built.values.get(target.path.toString());
        if (node !== undefined) target.lastNode = node;
      }
    } finally {
      observation.inFlight = false;
      if (this.#isActive(observation)) {
        this.#schedulePmax(observation);
        if (observation.dueAgain) {
          observation.dueAgain = false;
          this.#due(observation);
        }
      }
    }
  }

  /** Reads and encodes the observed values; undefined to skip, 'gone' when the observation ended. */
  async #build(
    observation: Observation,
  ): Promise<{ payload: Uint8Array; values: Map<string, LwM2mNode> } | undefined | 'gone'> {
    const nodes: PathNode[] = [];
    for (const target of observation.targets) {
      try {
        nodes.push({ path: target.path, node: await this.#data.read(target.path) });
      } catch (error) {
        if (error instanceof RequestFailure && error.code === '4.04' && !observation.composite) {
          await this.endUnder(target.path);
          return 'gone';
        }
        this.#log({
          level: 'debug',
          event: 'notification-value-unavailable',
          message: `${target.path}: read for a notification failed`,
          error,
        });
        if (!observation.composite) return undefined;
      }
    }
    if (nodes.length === 0) return undefined;
    try {
      const payload = observation.composite
        ? this.#data.encodeNodes(nodes, observation.contentFormat)
        : this.#data.encode(nodes[0]!.path, nodes[0]!.node, observation.contentFormat);
      return { payload, values: new Map(nodes.map((n) => [n.path.toString(), n.node])) };
    } catch (error) {
      this.#log({
        level: 'warn',
        event: 'notification-encoding-failed',
        message: `notification for ${nodes.map((n) => n.path).join(', ')} could not be encoded`,
        error,
      });
      return undefined;
    }
  }

  async #send(
    observation: Observation,
    response: CoapOutgoingResponse,
    confirmable: boolean,
  ): Promise<NotificationOutcome> {
    try {
      return await this.#link.notify(observation.peer, observation.token, response, { confirmable });
    } catch (error) {
      this.#log({
        level: 'warn',
        event: 'notification-failed',
        message: 'the endpoint failed to send a notification',
        error,
      });
      return 'dropped';
    }
  }
}
