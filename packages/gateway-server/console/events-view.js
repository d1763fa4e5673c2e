// @ts-check
// Events: registrations, updates, de-registrations, children changes (with the diff), sync
// failures, live, newest first. Values are not listed here (they are on the device views).

import { useStore } from './use-store.js';
import { html, useState } from './vendor/htm-preact.js';

/** @param {any[]} children */
const ids = (children) => children.map((c) => `${c.prefix} (${c.deviceId})`).join(', ');

/** What an event says, in a line. @param {any} event */
function eventText(event) {
  switch (event.type) {
    case 'registered':
      return `registered ${event.client?.lwm2mVersion ?? ''} lifetime ${event.client?.lifetime ?? '?'} s${event.client?.gateway ? ' (gateway)' : ''}`;
    case 'updated': {
      const changed = Object.keys(event.changes ?? {});
      return changed.length === 0 ? 'updated (lifetime refresh)' : `updated: ${changed.join(', ')}`;
    }
    case 'deregistered':
      return `deregistered (${event.reason})`;
    case 'childrenChanged': {
      const parts = [];
      if (event.added.length) parts.push(`+ ${ids(event.added)}`);
      if (event.removed.length) parts.push(`− ${ids(event.removed)}`);
      if (event.changed.length) parts.push(`~ ${ids(event.changed)}`);
      parts.push(`${event.unchanged} unchanged`);
      return `children (${event.cause}): ${parts.join('; ')}`;
    }
    case 'syncFailed':
      return `reading /25 failed (${event.cause}): ${event.error?.message ?? ''}`;
    case 'sendRejected':
      return `Send refused: ${event.error?.message ?? event.reason ?? ''}`;
    default:
      return event.type;
  }
}

/** @param {{ store: import('./live-store.js').LiveStore }} props */
export function EventsView({ store }) {
  useStore(store);
  const [type, setType] = useState('');
  const events = type === '' ? store.events : store.events.filter((e) => e.type === type);
  return html`<section class="events">
    <div class="toolbar">
      <select aria-label="event type" value=${type} onChange=${(/** @type {any} */ e) => setType(e.currentTarget.value)}>
        <option value="">all events</option>
        ${[
          'registered',
          'updated',
          'deregistered',
          'childrenChanged',
          'syncFailed',
          'sendRejected',
          'awake',
          'asleep',
        ].map((t) => html`<option value=${t}>${t}</option>`)}
      </select>
      <span class="counts">${store.events.length} events · ${store.valueCount} values since the page opened</span>
    </div>
    <ol class="event-list">
      ${events.map(
        (event) => html`<li key=${event.seq} class=${`event ${event.type}`} data-type=${event.type}>
          <time class="mono">${event.time.slice(11, 23)}</time>
          <strong>${event.endpoint}</strong> ${eventText(event)}
        </li>`,
      )}
    </ol>
    ${events.length === 0 ? html`<p class="muted">No event since the page opened.</p>` : null}
  </section>`;
}
