// @ts-check
// Device view: a client's or end device's object tree with names and units from the object
// model, live values, and per resource read, write, execute, observe/cancel and discover.
import { answerText, apiCall, targetKey, targetUrl } from './api.js';
import { attributesFrom, isNumeric, ValueInput, valueFromInput, valueText } from './resource-forms.js';
import { TrendChart } from './trend-chart.js';
import { agoText, useStore } from './use-store.js';
import { html, useEffect, useState } from './vendor/htm-preact.js';

/**
 * @typedef {import('./api.js').Target} Target
 * @typedef {import('./live-store.js').LiveStore} LiveStore
 */

/** The registration (client) or end device a target names. @param {LiveStore} store @param {Target} target */
function findTarget(store, target) {
  if (target.kind === 'clients') {
    const client = store.clients.find((c) => c.endpoint === target.id);
    return client && { name: client.endpoint, objects: client.objects, client, child: undefined };
  }
  for (const client of store.clients) {
    const child = client.gateway?.children.find((/** @type {any} */ c) => c.deviceId === target.id);
    if (child) return { name: child.deviceId, objects: child.objects, client, child };
  }
  return undefined;
}

/** An object's definition, fetched once per page. @param {LiveStore} store @param {number} id @param {string | null} version */
function definitionOf(store, id, version) {
  const key = `${id}@${version ?? ''}`;
  let found = store.definitions.get(key);
  if (found === undefined) {
    found = apiCall(
      'GET',
      `/api/objects/${id}${version ? `?version=${encodeURIComponent(version)}` : ''}`,
    ).then((answer) => (answer.ok ? answer.body : null));
    store.definitions.set(key, found);
  }
  return found;
}

/** Puts the values of an answer into the store. @param {LiveStore} store @param {Target} target @param {any} body */
function takeValues(store, target, body) {
  if (!Array.isArray(body?.values)) return;
  const now = Date.now();
  for (const entry of body.values) store.setValue(targetKey(target), entry.path, entry, now);
  store.changed();
}

/** @param {{ store: LiveStore, target: Target }} props */
export function DeviceView({ store, target }) {
  useStore(store, 1000);
  const found = findTarget(store, target);
  const [defs, setDefs] = useState(/** @type {Record<number, any>} */ ({}));
  const objects = found?.objects ?? [];
  const objectKey = objects
    .map((/** @type {any} */ o) => `${o.id}@${o.version}:${o.instances.join(',')}`)
    .join(' ');
  useEffect(() => {
    let gone = false;
    for (const object of objects) {
      void definitionOf(store, object.id, object.version).then((definition) => {
        if (!gone && definition) setDefs((d) => ({ ...d, [object.id]: definition }));
      });
    }
    // a first look at every instance (the Security object is not readable)
    for (const object of objects) {
      if (object.id === 0) continue;
      for (const instance of object.instances) {
        void apiCall('GET', targetUrl(target, `/${object.id}/${instance}`)).then((answer) => {
          if (!gone) takeValues(store, target, answer.body);
        });
      }
    }
    return () => {
      gone = true;
    };
  }, [target.kind, target.id, objectKey]);

  if (!store.loaded) return html`<p class="muted">loading…</p>`;
  if (found === undefined) {
    return html`<section class="device"><p><a href="#/">← fleet</a></p>
      <p class="bad" data-testid="gone">${target.id} is not registered (any more).</p></section>`;
  }
  const key = targetKey(target);
  const trends = [...store.series.entries()].filter(([k]) => k.startsWith(`${key} `));
  return html`<section class="device" data-target=${key}>
    <p><a href="#/">← fleet</a></p>
    <h2>${found.name}</h2>
    <dl class="facts">
      ${
        found.child
          ? html`<dt>gateway</dt><dd><a href=${`#/clients/${encodeURIComponent(found.client.endpoint)}`}>${found.client.endpoint}</a></dd>
        <dt>prefix</dt><dd class="mono">${found.child.prefix}</dd>`
          : html`<dt>address</dt><dd class="mono">${found.client.address}</dd>
        <dt>LwM2M</dt><dd>${found.client.lwm2mVersion} · ${found.client.binding}${found.client.queueMode ? ' · queue mode' : ''}</dd>`
      }
      <dt>last value</dt><dd>${agoText(store.lastSeen.get(key))}</dd>
    </dl>
    ${
      trends.length > 0
        ? html`<div class="trends">${trends.map(([k, series]) => {
            const path = k.slice(key.length + 1);
            const [, o, , r] = path.split('/');
            const resource = defs[Number(o)]?.resources.find((/** @type {any} */ x) => x.id === Number(r));
            return html`<${TrendChart} key=${k} series=${series} version=${store.version}
              label=${`${path} ${resource?.name ?? ''}`} units=${resource?.units || ipsoUnits(store, k, Number(r))} onClose=${() => store.untrend(k)} />`;
          })}</div>`
        : null
    }
    ${objects.map(
      (/** @type {any} */ object) =>
        html`<${ObjectNode} key=${object.id} store=${store} target=${target} object=${object} definition=${defs[object.id]} />`,
    )}
  </section>`;
}

/** @param {{ store: LiveStore, target: Target, object: any, definition: any }} props */
function ObjectNode({ store, target, object, definition }) {
  const [open, setOpen] = useState(object.id !== 0 && object.id !== 1);
  const [everything, setEverything] = useState(false);
  const prefix = targetKey(target);
  /** The resources to list: those the device showed a value of (and executables), or all of the model. */
  const shown = (/** @type {number} */ instance) => {
    const all = definition?.resources ?? [];
    const has = (/** @type {any} */ r) => {
      const key = `${prefix} /${object.id}/${instance}/${r.id}`;
      return (
        store.values.has(key) || (r.multiple && [...store.values.keys()].some((k) => k.startsWith(`${key}/`)))
      );
    };
    const present = all.filter((/** @type {any} */ r) => r.operations === 'E' || has(r));
    return everything || !all.some(has) ? all : present;
  };
  return html`<details class="object" open=${open} onToggle=${(/** @type {any} */ e) => setOpen(e.currentTarget.open)}>
    <summary><span class="mono">/${object.id}</span> ${definition?.name ?? 'unknown object'}
      ${object.version ? html`<span class="muted"> v${object.version}</span>` : null}
      <span class="muted"> · ${object.instances.length} instance${object.instances.length === 1 ? '' : 's'}</span></summary>
    ${
      open
        ? object.instances.map(
            (/** @type {number} */ instance) => html`<div class="instance" key=${instance}>
              <h4 class="mono">/${object.id}/${instance}</h4>
              <table class="resources">
                <tbody>
                  ${shown(instance).map(
                    (
                      /** @type {any} */ resource,
                    ) => html`<${ResourceRow} key=${resource.id} store=${store} target=${target}
                      path=${`/${object.id}/${instance}/${resource.id}`} resource=${resource} />`,
                  )}
                </tbody>
              </table>
              ${
                (definition?.resources.length ?? 0) > shown(instance).length
                  ? html`<button type="button" class="link" onClick=${() => setEverything(true)}>
                      show all ${definition.resources.length} resources of the model</button>`
                  : null
              }
            </div>`,
          )
        : null
    }
  </details>`;
}

/** IPSO sensor values (5700 and its min/max) take their units from the instance's Sensor Units (5701). */
const IPSO_VALUES = new Set([5601, 5602, 5603, 5604, 5700]);

/** @param {LiveStore} store @param {string} key a resource's key @param {number} resourceId */
function ipsoUnits(store, key, resourceId) {
  if (!IPSO_VALUES.has(resourceId)) return '';
  const units = store.values.get(key.replace(/\/\d+$/, '/5701'))?.value;
  return typeof units === 'string' ? units : '';
}

/** @param {{ store: LiveStore, target: Target, path: string, resource: any }} props */
function ResourceRow({ store, target, path, resource }) {
  const [panel, setPanel] = useState(/** @type {'' | 'write' | 'execute' | 'observe'} */ (''));
  const [status, setStatus] = useState('');
  const [detail, setDetail] = useState('');
  const key = `${targetKey(target)} ${path}`;
  const observed = store.observed.has(key);
  const live = store.values.get(key);
  const ops = resource.operations;
  const units = resource.units || ipsoUnits(store, key, resource.id);
  const readable = ops.includes('R');
  const writable = ops.includes('W');
  const executable = ops === 'E';
  const instances = resource.multiple
    ? [...store.values.entries()].filter(([k]) => k.startsWith(`${key}/`)).map(([, v]) => valueText(v))
    : [];

  /** @param {Promise<import('./api.js').ApiAnswer>} call */
  const run = async (call) => {
    setStatus('…');
    const answer = await call;
    setStatus(answerText(answer));
    takeValues(store, target, answer.body);
    return answer;
  };
  const read = () => run(apiCall('GET', targetUrl(target, path)));
  const discover = async () => {
    const answer = await run(apiCall('GET', targetUrl(target, path, ':discover')));
    setDetail(JSON.stringify(answer.body?.links ?? answer.body, null, 1));
  };
  const cancel = async () => {
    const answer = await run(apiCall('DELETE', targetUrl(target, path, ':observe')));
    if (answer.ok) {
      setStatus(`observation cancelled${answer.body?.active ? ' (told the device)' : ''}`);
      store.observed.delete(key);
      store.changed();
    }
  };
  /** @param {any} e */
  const submit = async (e) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    if (panel === 'write') {
      const value = valueFromInput(resource, String(data.get('value') ?? ''));
      const answer = await run(apiCall('PUT', targetUrl(target, path), { value }));
      if (answer.ok) store.setValue(targetKey(target), path, { type: resource.type, value }, Date.now());
    } else if (panel === 'execute') {
      const text = String(data.get('arguments') ?? '');
      await run(apiCall('POST', targetUrl(target, path, ':execute'), text === '' ? {} : { arguments: text }));
    } else if (panel === 'observe') {
      const attributes = attributesFrom(data);
      const answer = await run(
        apiCall(
          'POST',
          targetUrl(target, path, ':observe'),
          Object.keys(attributes).length ? { attributes } : {},
        ),
      );
      if (answer.ok) {
        store.observed.add(key);
        if (isNumeric(resource)) store.trend(key);
        store.changed();
      }
    }
    setPanel('');
  };
  /** @param {'write' | 'execute' | 'observe'} name */
  const toggle = (name) => setPanel(panel === name ? '' : name);

  return html`<tr class="resource" data-path=${path}>
      <td class="mono">${resource.id}</td>
      <td>${resource.name}<span class="muted"> ${resource.type}${units ? ` · ${units}` : ''}</span></td>
      <td class="value" data-testid="value">${resource.multiple ? instances.join(', ') : valueText(live)}</td>
      <td class="muted when">${live ? agoText(live.time) : ''}</td>
      <td class="actions">
        ${readable ? html`<button type="button" onClick=${read}>read</button>` : null}
        ${writable ? html`<button type="button" onClick=${() => toggle('write')}>write</button>` : null}
        ${executable ? html`<button type="button" onClick=${() => toggle('execute')}>execute</button>` : null}
        ${
          readable
            ? observed
              ? html`<button type="button" onClick=${cancel}>cancel observe</button>`
              : html`<button type="button" onClick=${() => toggle('observe')}>observe</button>`
            : null
        }
        <button type="button" onClick=${discover}>discover</button>
        ${
          readable && isNumeric(resource) && !store.series.has(key)
            ? html`<button type="button" onClick=${() => store.trend(key)}>chart</button>`
            : null
        }
        <span class="status" data-testid="status">${status}</span>
      </td>
    </tr>
    ${
      panel !== ''
        ? html`<tr class="panel"><td colspan="5">
            <form onSubmit=${submit} class=${`form-${panel}`}>
              ${
                panel === 'write'
                  ? html`<label>value <${ValueInput} definition=${resource} name="value" value=${live ? String(live.value) : ''} /></label>
                ${resource.rangeText ? html`<span class="muted"> range ${resource.rangeText}</span>` : null}`
                  : null
              }
              ${panel === 'execute' ? html`<label>arguments <input name="arguments" type="text" placeholder="0='a',1" /></label>` : null}
              ${
                panel === 'observe'
                  ? ['pmin', 'pmax', 'gt', 'lt', 'st'].map(
                      (a) => html`<label>${a} <input name=${a} type="number" step="any" size="5" /></label>`,
                    )
                  : null
              }
              <button type="submit">${panel}</button>
              <button type="button" onClick=${() => setPanel('')}>close</button>
            </form>
          </td></tr>`
        : null
    }
    ${
      detail !== ''
        ? html`<tr class="panel"><td colspan="5"><pre>${detail}</pre>
        <button type="button" class="link" onClick=${() => setDetail('')}>hide</button></td></tr>`
        : null
    }`;
}
