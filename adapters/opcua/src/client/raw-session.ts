import type { ClientSession, ClientSessionRawSubscriptionService } from 'node-opcua-client';

/** node-opcua's session object also implements the raw subscription services (batched monitored-item requests). */
export type RawSession = ClientSession & ClientSessionRawSubscriptionService;
