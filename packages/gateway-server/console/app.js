// @ts-check
// The console: a header (views, connection, API token) and the view the URL hash names:
// `#/` fleet, `#/events`, `#/clients/<endpoint>`, `#/devices/<deviceId>`.
import { apiToken } from './api.js';
import { DeviceView } from './device-view.js';
import { EventsView } from './events-view.js';
import { FleetView } from './fleet-view.js';
import { LiveStore } from './live-store.js';
import { useStore } from './use-store.js';
import { html, render, useEffect, useState } from './vendor/htm-preact.js';

/** @param {string} hash */
function route(hash) {
  const [, kind, id] = hash.replace(/^#/, '').split('/');
  if ((kind === 'clients' || kind === 'devices') && id) {
    return { view: 'device', target: { kind, id: decodeURIComponent(id) } };
  }
  if (kind === 'events') return { view: 'events' };
  return { view: 'fleet' };
}

/** @param {{ store: LiveStore }} props */
function Header({ store }) {
  useStore(store);
  // the field's state follows every keystroke: the header renders again on every live event, and a
  // render with the state of before the typing would put that back into the field (a token typed
  // while events arrived was lost before it was used)
  const [token, setToken] = useState(apiToken.get());
  return html`<header class="bar">
    <strong>Gateway server</strong>
    <nav><a href="#/">Fleet</a> <a href="#/events">Events</a></nav>
    <span class=${`connection ${store.connection}`} data-testid="connection">${store.connection}</span>
    <label class="token">API token
      <input type="password" autocomplete="off" size="12" value=${token}
        onInput=${(/** @type {any} */ e) => setToken(e.currentTarget.value)}
        onChange=${(/** @type {any} */ e) => apiToken.set(e.currentTarget.value)} />
    </label>
  </header>`;
}

/** @param {{ store: LiveStore }} props */
function App({ store }) {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const current = route(hash);
  return html`<${Header} store=${store} />
    <main>
      ${
        current.view === 'device' && current.target
          ? html`<${DeviceView} key=${`${current.target.kind}/${current.target.id}`} store=${store} target=${current.target} />`
          : current.view === 'events'
            ? html`<${EventsView} store=${store} />`
            : html`<${FleetView} store=${store} />`
      }
    </main>`;
}

const store = new LiveStore();
store.start();
document.body.replaceChildren();
render(html`<${App} store=${store} />`, document.body);
