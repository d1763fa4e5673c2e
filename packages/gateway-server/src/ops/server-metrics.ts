import { type Clock, systemClock } from '@lwm2m-adapters/kit';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { GatewayServerStatus } from './server-status.js';

/**
 * Prometheus metrics of one gateway server, in a registry of its own. Everything is read from a
 * status snapshot at scrape time (one snapshot per scrape), so the hot paths count in plain
 * integers and never touch prom-client.
 */
export class GatewayServerMetrics {
  readonly registry = new Registry();

  constructor(status: () => GatewayServerStatus, clock: Clock = systemClock) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry });
    let snapshot: GatewayServerStatus | undefined;
    let snapshotAt = 0;
    const current = (): GatewayServerStatus => {
      const now = clock.now();
      if (snapshot === undefined || now - snapshotAt > 100) {
        snapshot = status();
        snapshotAt = now;
      }
      return snapshot;
    };
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (set: (labels: Record<L, string>, value: number) => void, s: GatewayServerStatus) => void,
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          fill((labels, value) => this.set(labels, value), current());
        },
      });
    const counter = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (add: (labels: Record<L, string>, value: number) => void, s: GatewayServerStatus) => void,
    ) =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          fill((labels, value) => this.inc(labels, value), current());
        },
      });
    const single = (
      kind: 'gauge' | 'counter',
      name: string,
      help: string,
      value: (s: GatewayServerStatus) => number,
    ) => (kind === 'gauge' ? gauge : counter)(name, help, [], (put, s) => put({}, value(s)));

    single(
      'gauge',
      'gateway_server_registrations',
      'LwM2M clients registered now',
      (s) => s.server.registrations,
    );
    single(
      'gauge',
      'gateway_server_gateways',
      'Registered clients that are LwM2M gateways',
      (s) => s.gateways,
    );
    single(
      'gauge',
      'gateway_server_children',
      'End devices behind the registered gateways',
      (s) => s.children,
    );
    single(
      'gauge',
      'gateway_server_gateways_out_of_sync',
      'Gateways whose last read of /25 failed (their children may be stale)',
      (s) => s.gatewaysOutOfSync,
    );
    single(
      'gauge',
      'gateway_server_observations',
      'Observations the server holds at clients',
      (s) => s.server.observations,
    );
    counter(
      'gateway_server_registration_requests_total',
      'Registration interface requests, by kind and outcome',
      ['kind', 'outcome'],
      (add, s) => {
        add({ kind: 'register', outcome: 'accepted' }, s.server.registers);
        add({ kind: 'update', outcome: 'accepted' }, s.server.updates);
        add({ kind: 'deregister', outcome: 'accepted' }, s.server.deregistrations);
        add({ kind: 'any', outcome: 'refused_by_security' }, s.server.registrationsRefused);
        add({ kind: 'any', outcome: 'error' }, s.server.registrationErrors - s.server.registrationsRefused);
      },
    );
    counter(
      'gateway_server_requests_total',
      'Device-management requests to clients, by outcome (success, client_error 4.xx, server_error 5.xx, timeout, failed)',
      ['outcome'],
      (add, s) => {
        const r = s.server.requests;
        add({ outcome: 'success' }, r.success);
        add({ outcome: 'client_error' }, r.clientErrors);
        add({ outcome: 'server_error' }, r.serverErrors);
        add({ outcome: 'timeout' }, r.timeouts);
        add({ outcome: 'failed' }, r.failures);
      },
    );
    single(
      'counter',
      'gateway_server_request_format_retries_total',
      'Requests retried in another content format after a 4.06/4.15',
      (s) => s.server.requests.formatRetries,
    );
    single(
      'gauge',
      'gateway_server_queued_requests',
      'Requests waiting for queue-mode clients to wake',
      (s) => s.server.queue.queued,
    );
    single(
      'gauge',
      'gateway_server_queue_deepest',
      'The deepest queue of one queue-mode client',
      (s) => s.server.queue.deepest,
    );
    single(
      'gauge',
      'gateway_server_clients_asleep',
      'Queue-mode clients asleep now',
      (s) => s.server.queue.asleep,
    );
    counter(
      'gateway_server_queue_drops_total',
      'Queued requests that failed instead of being sent, by reason',
      ['reason'],
      (add, s) => {
        add({ reason: 'overflow' }, s.server.queue.overflows);
        add({ reason: 'expired' }, s.server.queue.expired);
        add({ reason: 'abandoned' }, s.server.queue.abandoned);
      },
    );
    single(
      'counter',
      'gateway_server_expirations_total',
      'Registrations that expired',
      (s) => s.server.expirations,
    );
    single(
      'counter',
      'gateway_server_notifications_total',
      'Notifications received',
      (s) => s.server.notifications,
    );
    counter('gateway_server_sends_total', 'Send (/dp) requests, by outcome', ['outcome'], (add, s) => {
      add({ outcome: 'accepted' }, s.server.sends);
      add({ outcome: 'rejected' }, s.server.sendsRejected);
    });
    counter(
      'gateway_server_coap_dropped_total',
      'CoAP messages dropped by the endpoints, by listener and reason',
      ['listener', 'reason'],
      (add, s) => {
        for (const l of s.listeners) {
          for (const [reason, n] of Object.entries(l.coap.dropped)) add({ listener: l.scheme, reason }, n);
        }
      },
    );
    counter(
      'gateway_server_coap_requests_total',
      'Requests the server sent to clients, by listener and outcome',
      ['listener', 'outcome'],
      (add, s) => {
        for (const l of s.listeners) {
          const r = l.coap.requests;
          add({ listener: l.scheme, outcome: 'response' }, r.responses);
          add({ listener: l.scheme, outcome: 'timeout' }, r.timeouts);
          add({ listener: l.scheme, outcome: 'reset' }, r.resets);
          add({ listener: l.scheme, outcome: 'failed' }, r.failed);
        }
      },
    );
    counter(
      'gateway_server_coap_incoming_requests_total',
      'Requests clients sent to the server, by listener',
      ['listener'],
      (add, s) => {
        for (const l of s.listeners) add({ listener: l.scheme }, l.coap.incoming.requests);
      },
    );
    counter(
      'gateway_server_coap_duplicates_total',
      'Retransmitted CON/NON messages recognised by message ID, by listener',
      ['listener'],
      (add, s) => {
        for (const l of s.listeners) add({ listener: l.scheme }, l.coap.duplicates);
      },
    );
    gauge('gateway_server_dtls_sessions', 'DTLS sessions open', [], (set, s) => {
      for (const l of s.listeners) if (l.dtls !== undefined) set({}, l.dtls.sessions);
    });
    counter('gateway_server_dtls_handshakes_total', 'DTLS handshakes, by outcome', ['outcome'], (add, s) => {
      for (const l of s.listeners) {
        if (l.dtls === undefined) continue;
        add({ outcome: 'completed' }, l.dtls.handshakes);
        for (const [reason, n] of Object.entries(l.dtls.handshakeFailures)) add({ outcome: reason }, n);
      }
    });
    single(
      'counter',
      'gateway_server_events_dropped_total',
      'Events not delivered to a slow SSE client or output',
      (s) => s.eventsDropped,
    );
    single('gauge', 'gateway_server_sse_clients', 'Server-sent event streams open', (s) => s.sseClients);
    counter(
      'gateway_server_http_requests_total',
      'HTTP API answers, by route and status class',
      ['route', 'status'],
      (add, s) => {
        for (const r of s.httpRequests) add({ route: r.route, status: r.status }, r.count);
      },
    );
    gauge(
      'gateway_server_kafka_connected',
      'Whether the Kafka producer took the last batch (1) or not (0)',
      [],
      (set, s) => {
        if (s.kafka !== undefined) set({}, s.kafka.producer.connected ? 1 : 0);
      },
    );
    counter('gateway_server_kafka_records_total', 'Kafka records, by stage', ['stage'], (add, s) => {
      if (s.kafka === undefined) return;
      add({ stage: 'taken' }, s.kafka.recordsIn);
      add({ stage: 'spooled' }, s.kafka.spool.appended);
      add({ stage: 'produced' }, s.kafka.producer.sent);
    });
    counter(
      'gateway_server_kafka_send_failures_total',
      'Produce requests Kafka did not take',
      [],
      (add, s) => {
        if (s.kafka !== undefined) add({}, s.kafka.producer.sendFailures);
      },
    );
    gauge('gateway_server_kafka_spool_records', 'Records in the spool not yet in Kafka', [], (set, s) => {
      if (s.kafka !== undefined) set({}, s.kafka.spool.pending);
    });
    gauge('gateway_server_kafka_spool_bytes', 'Bytes of the spool segments on disk', [], (set, s) => {
      if (s.kafka !== undefined) set({}, s.kafka.spool.bytes);
    });
    counter(
      'gateway_server_kafka_spool_lost_total',
      'Records the spool lost, by reason (dropped by drop-oldest, refused by block, corrupt frames at open)',
      ['reason'],
      (add, s) => {
        if (s.kafka === undefined) return;
        add({ reason: 'dropped' }, s.kafka.spool.dropped);
        add({ reason: 'refused' }, s.kafka.spool.refused);
        add({ reason: 'corrupt' }, s.kafka.spool.corrupt);
      },
    );
    counter(
      'gateway_server_kafka_management_requests_total',
      'Management requests from Kafka, by outcome',
      ['outcome'],
      (add, s) => {
        if (s.kafka === undefined) return;
        const m = s.kafka.management;
        add({ outcome: 'received' }, m.received);
        add({ outcome: 'answered' }, m.answered);
        add({ outcome: 'malformed' }, m.malformed);
        add({ outcome: 'duplicate' }, m.duplicates);
        add({ outcome: 'failed' }, m.failed);
      },
    );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
