import type { CoapEndpointStats, PeerAddress } from '@lwm2m-adapters/coap';
import type { Lwm2mServerStats } from '@lwm2m-adapters/lwm2m-server';
import type { KafkaBridgeStats } from '../kafka/kafka-bridge.js';

/** One CoAP listener of the server and its endpoint's counters. */
export interface ListenerStatus {
  readonly scheme: 'coap' | 'coaps';
  readonly address: PeerAddress;
  readonly coap: CoapEndpointStats;
  /** DTLS listeners: handshakes and failures by reason, sessions open. */
  readonly dtls?: {
    readonly sessions: number;
    readonly handshakes: number;
    readonly handshakeFailures: Readonly<Record<string, number>>;
  };
}

/** A snapshot of the gateway server for /healthz and /metrics. */
export interface GatewayServerStatus {
  readonly state: 'running' | 'stopping';
  readonly startedAt: number;
  readonly listeners: readonly ListenerStatus[];
  readonly server: Lwm2mServerStats;
  readonly gateways: number;
  readonly children: number;
  /** Gateways whose last look at /25 failed. */
  readonly gatewaysOutOfSync: number;
  /** Events the event outputs (SSE clients, files) dropped because a reader was too slow. */
  readonly eventsDropped: number;
  readonly sseClients: number;
  /** HTTP API answers by route and status class. */
  readonly httpRequests: readonly {
    readonly route: string;
    readonly status: string;
    readonly count: number;
  }[];
  /** The Kafka bridge's producer, spool and management counters, when it runs. */
  readonly kafka?: KafkaBridgeStats;
}

/** Healthy while running: the listeners are bound by construction, so health is about stopping. */
export function isHealthy(status: GatewayServerStatus): boolean {
  return status.state === 'running';
}
