// @ts-check
// A live chart of one resource's recent values (uPlot, loaded when the first chart opens).
import { html, useEffect, useRef } from './vendor/htm-preact.js';

/** @param {{ series: import('./live-store.js').Series, label: string, units: string, version: number, onClose: () => void }} props */
export function TrendChart({ series, label, units, version, onClose }) {
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const chart = useRef(/** @type {any} */ (null));
  useEffect(() => {
    let gone = false;
    void import('./vendor/uPlot.esm.js').then(({ default: UPlot }) => {
      if (gone || box.current === null) return;
      chart.current = new UPlot(
        {
          width: Math.max(240, Math.min(520, box.current.clientWidth || 360)),
          height: 160,
          legend: { show: false },
          scales: { x: { time: true } },
          series: [{}, { label, stroke: '#2563eb', width: 1.5, points: { show: series.t.length < 60 } }],
          axes: [{}, { label: units || undefined, size: 56 }],
        },
        [series.t, series.v],
        box.current,
      );
    });
    return () => {
      gone = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [series, label, units]);
  useEffect(() => {
    chart.current?.setData([series.t, series.v]);
  }, [version, series]);
  return html`<figure class="trend" data-trend=${label}>
    <figcaption>${label}${units ? ` (${units})` : ''} · ${series.v.length} points
      <button type="button" class="link" onClick=${onClose}>close</button></figcaption>
    <div ref=${box} class="trend-plot"></div>
  </figure>`;
}
