import type { ValueEntry } from '../json/value-json.js';
import type { GatewayServerEvent } from './gateway-server-event.js';

const MAX_VALUES_SHOWN = 6;
const MAX_TEXT = 60;

/** A value for a terminal line: long text cut, control characters escaped. */
function shown(value: ValueEntry['value']): string {
  if (value === null) return 'null';
  const text = typeof value === 'string' ? value : String(value);
  let safe = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    safe += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  return safe.length > MAX_TEXT ? `${safe.slice(0, MAX_TEXT)}…` : safe;
}

/** Seven significant digits: a float32 widened to a double reads as what the device holds. */
function floatText(value: number): string {
  return String(Number(value.toPrecision(7)));
}

function values(entries: readonly ValueEntry[]): string {
  const first = entries
    .slice(0, MAX_VALUES_SHOWN)
    .map(
      (e) =>
        `${e.path}=${e.type === 'float' && typeof e.value === 'number' ? floatText(e.value) : shown(e.value)}`,
    );
  const more = entries.length > first.length ? ` (+${entries.length - first.length} more)` : '';
  return `${first.join('  ')}${more}`;
}

/**
 * One readable line per event for the terminal: "registered plant-gw (1.1, lt 300 s, U, 127.0.0.1:40001)",
 * "children of plant-gw: +boiler1 (urn:dev:acme:boiler-1) -pump2", "notify plant-gw /boiler1/3303/0/5700=21.5".
 * Values from clients are escaped: a client cannot write control sequences to the operator's terminal.
 */
export function formatEventLine(event: GatewayServerEvent): string {
  switch (event.type) {
    case 'registered': {
      const c = event.client;
      const replaced = event.replacedRegistrationId === null ? '' : ', replacing its previous registration';
      return `registered ${shown(event.endpoint)} (${c.lwm2mVersion}, lt ${c.lifetime} s, ${c.binding}${c.queueMode ? ' queue mode' : ''}, ${c.address}${c.secure ? ', DTLS' : ''}, ${c.objects.length} objects${replaced})`;
    }
    case 'updated': {
      const changed = Object.keys(event.changes);
      return `updated ${shown(event.endpoint)}${changed.length === 0 ? '' : ` (${changed.join(', ')})`}`;
    }
    case 'deregistered':
      return `${event.reason === 'expired' ? 'expired' : event.reason === 'replaced' ? 'replaced' : 'de-registered'} ${shown(event.endpoint)}`;
    case 'childrenChanged': {
      const parts = [
        ...event.added.map((c) => `+${shown(c.prefix)} (${shown(c.deviceId)})`),
        ...event.removed.map((c) => `-${shown(c.prefix)}`),
        ...event.changed.map((c) => `~${shown(c.prefix)}`),
      ];
      const problems =
        event.problems.length === 0 ? '' : `; ${event.problems.length} /25 instance(s) left out`;
      return `children of ${shown(event.endpoint)} (${event.cause}): ${parts.length === 0 ? 'no change' : parts.join(' ')}; ${event.unchanged} unchanged${problems}`;
    }
    case 'syncFailed':
      return `reading /25 of ${shown(event.endpoint)} failed (${event.cause}): ${event.error.code}: ${shown(event.error.message)}${event.retryAt === null ? '' : `; retry at ${event.retryAt}`}`;
    case 'notification':
      return event.error === null
        ? `notify ${shown(event.endpoint)} ${event.code === '2.05' ? values(event.values) : `${event.path} ${event.code}`}`
        : `notify ${shown(event.endpoint)} ${event.path}: ${event.error.code}`;
    case 'compositeNotification':
      return `notify ${shown(event.endpoint)} ${values(event.values)}`;
    case 'send':
      return `send ${shown(event.endpoint)} ${values(event.values)}`;
    case 'sendRejected':
      return `send refused ${event.code} from ${event.endpoint === null ? event.address : shown(event.endpoint)}: ${shown(event.reason)}`;
    case 'awake':
      return `awake ${shown(event.endpoint)}`;
    case 'asleep':
      return `asleep ${shown(event.endpoint)}`;
  }
}
