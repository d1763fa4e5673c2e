// @ts-check
// Forms typed by a resource's LwM2M type and range: the input a value needs, and the JSON value
// the API takes for what was typed (the server checks again and says why it refuses).
import { html } from './vendor/htm-preact.js';

const NUMERIC = new Set(['integer', 'unsigned', 'float']);

/** @param {any} definition ResourceDefinition */
export const isNumeric = (definition) => NUMERIC.has(definition?.type);

/**
 * The input for a value of the resource.
 * @param {{ definition: any, name: string, value?: string }} props
 */
export function ValueInput({ definition, name, value = '' }) {
  const range = definition.range;
  if (range?.kind === 'enumeration') {
    return html`<select name=${name} aria-label="value">
      ${range.values.map((/** @type {any} */ v) => html`<option value=${String(v)}>${String(v)}</option>`)}
    </select>`;
  }
  switch (definition.type) {
    case 'boolean':
      return html`<select name=${name} aria-label="value"><option value="true">true</option><option value="false">false</option></select>`;
    case 'integer':
    case 'unsigned':
    case 'float': {
      const numeric = range?.kind === 'numeric' ? range : undefined;
      return html`<input
        name=${name}
        aria-label="value"
        type="number"
        required
        step=${definition.type === 'float' ? 'any' : '1'}
        min=${numeric?.min ?? (definition.type === 'unsigned' ? 0 : undefined)}
        max=${numeric?.max}
        defaultValue=${value}
      />`;
    }
    case 'time':
      return html`<input name=${name} aria-label="value" type="text" placeholder="2026-12-05T22:00:00Z or Unix seconds" defaultValue=${value} />`;
    case 'objlnk':
      return html`<input name=${name} aria-label="value" type="text" pattern="[0-9]+:[0-9]+" placeholder="3:0" defaultValue=${value} />`;
    case 'opaque':
      return html`<input name=${name} aria-label="value" type="text" placeholder="base64" defaultValue=${value} />`;
    default: {
      const length = range?.kind === 'length' ? range : undefined;
      return html`<input name=${name} aria-label="value" type="text" minlength=${length?.min} maxlength=${length?.max} defaultValue=${value} />`;
    }
  }
}

/**
 * The JSON value for what was typed.
 * @param {any} definition
 * @param {string} text
 * @returns {unknown}
 */
export function valueFromInput(definition, text) {
  switch (definition.type) {
    case 'boolean':
      return text === 'true';
    case 'float':
      return Number(text);
    case 'integer':
    case 'unsigned':
      // beyond 2^53 the API takes a decimal string, exact to 64 bits
      return Number.isSafeInteger(Number(text)) ? Number(text) : text;
    case 'time':
      return /^-?\d+$/.test(text.trim()) ? Number(text) : text.trim();
    default:
      return text;
  }
}

/** Observe attributes from a form: the ones filled in, as numbers. @param {FormData} data */
export function attributesFrom(data) {
  /** @type {Record<string, number>} */
  const attributes = {};
  for (const name of ['pmin', 'pmax', 'gt', 'lt', 'st']) {
    const text = String(data.get(name) ?? '').trim();
    if (text !== '') attributes[name] = Number(text);
  }
  return attributes;
}

/** A value as one line of text. @param {{ type: string, value: unknown } | undefined} entry */
export function valueText(entry) {
  if (entry === undefined) return '';
  const { type, value } = entry;
  if (type === 'float' && typeof value === 'number') return String(Math.round(value * 10_000) / 10_000);
  if (type === 'opaque' && typeof value === 'string')
    return value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (value === null) return '';
  return String(value);
}
