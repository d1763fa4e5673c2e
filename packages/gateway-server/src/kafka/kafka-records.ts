import type { GatewayServerEvent } from '../events/gateway-server-event.js';
import type { ChildJson, ClientJson, ErrorJson } from '../json/registration-json.js';
import type { JsonScalar } from '../json/value-json.js';
import { childKey, type KafkaTopics } from './kafka-topics.js';

/** The version of the record shapes below (the `v` field; the JSON Schemas carry it in their $id). */
export const KAFKA_RECORD_VERSION = 1;

/** What every record the bridge produces carries. */
interface RecordBase {
  readonly v: typeof KAFKA_RECORD_VERSION;
  readonly serverId: string;
  /** Identifies one run of the server's bridge: `seq` counts per key within a run. */
  readonly runId: string;
  /** The record key: the client's endpoint, or `<gateway endpoint>/<prefix>` for an end device. */
  readonly key: string;
  /** Per key and topic, 1, 2, 3... within a run: a consumer sees a gap or a step back at once. */
  readonly seq: number;
}

/** A client's or an end device's registration changed (topic `...registrations`). */
export interface RegistrationRecord extends RecordBase {
  readonly event: 'register' | 'update' | 'deregister' | 'expired';
  /** The client's endpoint; for an end device, its gateway's. */
  readonly endpoint: string;
  readonly registrationId: string;
  readonly deviceId: string | null;
  readonly prefix: string | null;
  /** When the server saw it (ISO-8601 UTC, ms). */
  readonly time: string;
  /** The client as registered now (register, update of a client), else null. */
  readonly client: ClientJson | null;
  /** The end device as known now (register, update of a child; its last state when it goes). */
  readonly child: ChildJson | null;
  /** Why it went: deregistered, expired, replaced, removed (a gateway's /25 lost it)...; else null. */
  readonly reason: string | null;
}

/** One value of a notification, an Observe-Composite notification or a Send (topic `...observations`). */
export interface ObservationRecord extends RecordBase {
  readonly source: 'notification' | 'compositeNotification' | 'send';
  readonly endpoint: string;
  readonly registrationId: string;
  readonly deviceId: string | null;
  readonly prefix: string | null;
  /** The value's LwM2M path in the client's namespace (with the end device's prefix). */
  readonly path: string;
  readonly type: string;
  readonly value: JsonScalar;
  /** The client's timestamp of a Send value, else null. */
  readonly clientTime: string | null;
  /** When the server received it (ISO-8601 UTC, ms). */
  readonly receivedAt: string;
  /** The Observe number of a notification, else null. */
  readonly observe: number | null;
}

/** The answer to a management request (topic `...management.rep`), keyed by the request's `ep`. */
export interface ManagementReplyRecord {
  readonly v: typeof KAFKA_RECORD_VERSION;
  readonly serverId: string;
  /** The request's ticket; null when the request was too malformed to carry one. */
  readonly ticket: string | null;
  readonly ep: string | null;
  readonly kind: string | null;
  readonly path: string | null;
  /** The LwM2M response code ("2.05"), or null when no client answered (error). */
  readonly code: string | null;
  readonly success: boolean;
  /** The decoded answer (values, links, observation, instanceId... as in the HTTP API), or null. */
  readonly result: Readonly<Record<string, unknown>> | null;
  readonly error: ErrorJson | null;
  readonly answeredAt: string;
}

/** A record ready for the spool and the producer. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

const PREFIX_OF = /^\/([^/0-9][^/]*)\//;

/** The end device prefix of a value path in a client's namespace, if any. */
function prefixOfPath(path: string): string | null {
  const match = PREFIX_OF.exec(path);
  return match?.[1] ?? null;
}

/**
 * Turns gateway server events into Kafka records: registrations of clients and of end devices
 * (from the children diffs), one observation record per notified or sent value. Keeps the
 * sequence numbers per key and topic of one run.
 */
export class KafkaRecordBuilder {
  readonly #serverId: string;
  readonly #runId: string;
  readonly #topics: KafkaTopics;
  readonly #registrationSeq = new Map<string, number>();
  readonly #observationSeq = new Map<string, number>();

  constructor(serverId: string, runId: string, topics: KafkaTopics) {
    this.#serverId = serverId;
    this.#runId = runId;
    this.#topics = topics;
  }

  /** The records an event makes (none for awake/asleep/syncFailed/sendRejected). */
  records(event: GatewayServerEvent): OutgoingRecord[] {
    switch (event.type) {
      case 'registered':
      case 'updated':
        return [
          this.#registration(event.endpoint, {
            event: event.type === 'registered' ? 'register' : 'update',
            endpoint: event.endpoint,
            registrationId: event.registrationId,
            deviceId: null,
            prefix: null,
            time: event.time,
            client: event.client,
            child: null,
            reason: null,
          }),
        ];
      case 'deregistered':
        return [
          this.#registration(event.endpoint, {
            event: event.reason === 'expired' ? 'expired' : 'deregister',
            endpoint: event.endpoint,
            registrationId: event.registrationId,
            deviceId: null,
            prefix: null,
            time: event.time,
            client: null,
            child: null,
            reason: event.reason,
          }),
        ];
      case 'childrenChanged': {
        const child = (kind: RegistrationRecord['event'], c: ChildJson, reason: string | null) =>
          this.#registration(childKey(event.endpoint, c.prefix), {
            event: kind,
            endpoint: event.endpoint,
            registrationId: event.registrationId,
            deviceId: c.deviceId,
            prefix: c.prefix,
            time: event.time,
            client: null,
            child: c,
            reason,
          });
        const gone = event.cause === 'expired' ? 'expired' : 'deregister';
        return [
          ...event.added.map((c) => child('register', c, null)),
          ...event.changed.map((c) => child('update', c, null)),
          ...event.removed.map((c) => child(gone, c, event.cause)),
        ];
      }
      case 'notification':
        return event.values.map((value) =>
          this.#observation({
            source: 'notification',
            endpoint: event.endpoint,
            registrationId: event.registrationId,
            deviceId: event.deviceId,
            prefix: event.prefix ?? prefixOfPath(value.path),
            path: value.path,
            type: value.type,
            value: value.value,
            clientTime: null,
            receivedAt: event.time,
            observe: event.observe,
          }),
        );
      case 'compositeNotification':
      case 'send':
        return event.values.map((value) =>
          this.#observation({
            source: event.type,
            endpoint: event.endpoint,
            registrationId: event.registrationId,
            deviceId: value.deviceId,
            prefix: prefixOfPath(value.path),
            path: value.path,
            type: value.type,
            value: value.value,
            clientTime: 'timestamp' in value ? (value.timestamp as string | null) : null,
            receivedAt: event.time,
            observe: event.type === 'compositeNotification' ? event.observe : null,
          }),
        );
      default:
        return [];
    }
  }

  /** A management reply as an outgoing record, keyed by the request's endpoint. */
  reply(reply: Omit<ManagementReplyRecord, 'v' | 'serverId'>): OutgoingRecord {
    const record: ManagementReplyRecord = { v: KAFKA_RECORD_VERSION, serverId: this.#serverId, ...reply };
    return {
      topic: this.#topics.managementReplies,
      key: reply.ep ?? reply.ticket ?? '',
      value: JSON.stringify(record),
    };
  }

  #registration(key: string, body: Omit<RegistrationRecord, keyof RecordBase>): OutgoingRecord {
    const seq = (this.#registrationSeq.get(key) ?? 0) + 1;
    this.#registrationSeq.set(key, seq);
    const record: RegistrationRecord = { ...this.#base(key, seq), ...body };
    return { topic: this.#topics.registrations, key, value: JSON.stringify(record) };
  }

  #observation(body: Omit<ObservationRecord, keyof RecordBase>): OutgoingRecord {
    const key = body.prefix === null ? body.endpoint : childKey(body.endpoint, body.prefix);
    const seq = (this.#observationSeq.get(key) ?? 0) + 1;
    this.#observationSeq.set(key, seq);
    const record: ObservationRecord = { ...this.#base(key, seq), ...body };
    return { topic: this.#topics.observations, key, value: JSON.stringify(record) };
  }

  #base(key: string, seq: number): RecordBase {
    return { v: KAFKA_RECORD_VERSION, serverId: this.#serverId, runId: this.#runId, key, seq };
  }
}
