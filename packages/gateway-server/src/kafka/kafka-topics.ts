import { CodedError } from '@lwm2m-adapters/errors';

/** The four topics of one gateway server: `<prefix>.<serverId>.<kind>`. */
export interface KafkaTopics {
  readonly registrations: string;
  readonly observations: string;
  readonly managementRequests: string;
  readonly managementReplies: string;
}

/** Default topic prefix: `iot.<serverId>.registrations` and so on. */
export const DEFAULT_TOPIC_PREFIX = 'iot';

const NAME = /^[A-Za-z0-9._-]+$/;

/** The topic names of a server id under a prefix; CONFIG_INVALID when either is not a legal topic part. */
export function kafkaTopics(serverId: string, prefix = DEFAULT_TOPIC_PREFIX): KafkaTopics {
  for (const [what, text] of [
    ['server id', serverId],
    ['topic prefix', prefix],
  ] as const) {
    if (!NAME.test(text) || text.length > 200) {
      throw new CodedError(
        'CONFIG_INVALID',
        `the Kafka ${what} "${text}" must be 1-200 of A-Z a-z 0-9 . _ -`,
        {
          details: { [what === 'server id' ? 'serverId' : 'prefix']: text },
        },
      );
    }
  }
  const base = `${prefix}.${serverId}`;
  return {
    registrations: `${base}.registrations`,
    observations: `${base}.observations`,
    managementRequests: `${base}.management.req`,
    managementReplies: `${base}.management.rep`,
  };
}

/** A pattern matching one kind of topic of every server under a prefix (for fleet consumers). */
export function topicPattern(kind: 'registrations' | 'observations', prefix = DEFAULT_TOPIC_PREFIX): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}\\.[A-Za-z0-9_-]+\\.${kind}$`);
}

/** The record key of an end device (a gateway child): the gateway's endpoint and the child's prefix. */
export const childKey = (gatewayEndpoint: string, prefix: string): string => `${gatewayEndpoint}/${prefix}`;
