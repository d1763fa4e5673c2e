// @ts-check
// Fleet view: gateways and plain clients with their state, each gateway's children by prefix and
// Device ID; a filter, counts. Long lists are cut at ROWS_SHOWN rows until asked for all.

import { agoText, durationText, useStore } from './use-store.js';
import { html, useState } from './vendor/htm-preact.js';

const ROWS_SHOWN = 200;

/** @param {string} text @param {string[]} fields */
const matches = (text, fields) => text === '' || fields.some((f) => f.toLowerCase().includes(text));

/** @param {{ store: import('./live-store.js').LiveStore }} props */
export function FleetView({ store }) {
  useStore(store, 1000);
  const [filter, setFilter] = useState('');
  const [kind, setKind] = useState('all');
  const [showAll, setShowAll] = useState(false);
  const text = filter.trim().toLowerCase();
  const gateways = store.clients.filter((c) => c.gateway !== null);
  const childCount = gateways.reduce((n, g) => n + g.gateway.children.length, 0);
  let budget = showAll ? Number.POSITIVE_INFINITY : ROWS_SHOWN;
  let hidden = 0;
  const rows = [];
  for (const client of store.clients) {
    const isGateway = client.gateway !== null;
    if (kind === 'gateways' && !isGateway) continue;
    if (kind === 'clients' && isGateway) continue;
    const children = isGateway
      ? client.gateway.children.filter((/** @type {any} */ c) => matches(text, [c.deviceId, c.prefix]))
      : [];
    const selfMatches = matches(text, [client.endpoint, client.address]);
    if (!selfMatches && children.length === 0) continue;
    rows.push(html`<${ClientRow} key=${`c ${client.endpoint}`} client=${client} store=${store} />`);
    for (const child of selfMatches && text !== '' ? (client.gateway?.children ?? []) : children) {
      if (budget <= 0) {
        hidden += 1;
        continue;
      }
      budget -= 1;
      rows.push(html`<${ChildRow} key=${`d ${child.deviceId}`} child=${child} store=${store} />`);
    }
  }
  return html`
    <section class="fleet">
      <div class="toolbar">
        <input
          type="search"
          placeholder="Filter by endpoint, Device ID or prefix"
          aria-label="filter"
          value=${filter}
          onInput=${(/** @type {any} */ e) => setFilter(e.currentTarget.value)}
        />
        <select aria-label="kind" value=${kind} onChange=${(/** @type {any} */ e) => setKind(e.currentTarget.value)}>
          <option value="all">all</option>
          <option value="gateways">gateways</option>
          <option value="clients">plain clients</option>
        </select>
        <span class="counts" data-testid="counts">
          ${gateways.length} gateways · ${store.clients.length - gateways.length} clients · ${childCount} end devices
        </span>
      </div>
      ${
        !store.loaded
          ? html`<p class="muted">loading registrations…</p>`
          : store.clients.length === 0
            ? html`<p class="muted">No client is registered.</p>`
            : html`<div class="table-wrap">
                <table class="fleet-table">
                  <thead>
                    <tr>
                      <th>name</th><th>kind</th><th>state</th><th>lifetime left</th><th>last seen</th><th>secure</th><th>address / Device ID</th>
                    </tr>
                  </thead>
                  <tbody>${rows}</tbody>
                </table>
              </div>`
      }
      ${
        hidden > 0
          ? html`<p class="muted">${hidden} more end devices: refine the filter or
              <button type="button" onClick=${() => setShowAll(true)}>show all</button></p>`
          : null
      }
    </section>
  `;
}

/** @param {{ client: any, store: import('./live-store.js').LiveStore }} props */
function ClientRow({ client, store }) {
  const left = Date.parse(client.expiresAt) - Date.now();
  const seen = Math.max(Date.parse(client.updatedAt), store.lastSeen.get(`clients/${client.endpoint}`) ?? 0);
  const href = `#/clients/${encodeURIComponent(client.endpoint)}`;
  return html`<tr class="client-row" data-endpoint=${client.endpoint}>
    <td><a href=${href}>${client.endpoint}</a></td>
    <td>${client.gateway === null ? 'client' : `gateway (${client.gateway.children.length})`}</td>
    <td><span class=${`state ${client.presence}`}>${client.presence === 'asleep' ? 'asleep' : 'registered'}</span>
      ${client.gateway?.lastError ? html` <span class="bad" title=${client.gateway.lastError.message}>sync failed</span>` : null}</td>
    <td>${durationText(left)}</td>
    <td>${agoText(seen)}</td>
    <td>${client.secure === null ? '?' : client.secure ? 'DTLS' : 'no'}</td>
    <td class="mono">${client.address}</td>
  </tr>`;
}

/** @param {{ child: any, store: import('./live-store.js').LiveStore }} props */
function ChildRow({ child, store }) {
  const seen = Math.max(Date.parse(child.updatedAt), store.lastSeen.get(`devices/${child.deviceId}`) ?? 0);
  return html`<tr class="child-row" data-device-id=${child.deviceId}>
    <td class="indent"><a href=${`#/devices/${encodeURIComponent(child.deviceId)}`}>${child.prefix}</a></td>
    <td>end device</td>
    <td>behind ${child.gatewayEndpoint}</td>
    <td></td>
    <td>${agoText(seen)}</td>
    <td></td>
    <td class="mono">${child.deviceId}</td>
  </tr>`;
}
