/**
 * The web console in Debian's Chromium (headless, playwright-core): first paint on loopback, and
 * how the page keeps up with 1,000 end devices each sending 10 value updates/s (10,000 values/s
 * on the event stream, render batched).
 *
 * The page talks to a stand-in for the gateway server's HTTP side: the real console assets
 * (ConsoleAssets), `/api/clients` with one gateway of N children, `/api/objects/{id}` from the OMA
 * registry, instance reads, and `/api/events` writing notification events in the server's format
 * (the server's own cost per notification and per SSE event is measured in the gateway-server
 * suite). Measured in the page: frames per second (requestAnimationFrame), long tasks (> 50 ms),
 * the main thread's busy share (CDP Performance.getMetrics TaskDuration), values received, and
 * how long typing a filter takes to show the one matching device.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleAssets } from '@lwm2m-adapters/gateway-server';
import { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { Browser, Page } from 'playwright-core';
import { launchSystemChromium } from '../../packages/gateway-server/test/support/system-chromium.js';

interface StandIn {
  readonly url: string;
  /** Starts (or stops, with 0) the value stream: `rate` updates per child per second. */
  setRate(rate: number): void;
  sent(): number;
  close(): Promise<void>;
}

const GATEWAY = 'bench-gw';
const deviceId = (i: number) => `urn:dev:bench:${String(i).padStart(4, '0')}`;
const TICK_MS = 10;

async function startStandIn(children: number): Promise<StandIn> {
  const assets = await ConsoleAssets.load();
  const registry = ObjectRegistry.withOmaObjects();
  const now = new Date().toISOString();
  const objects = [
    { id: 3, version: null, instances: [0] },
    { id: 3303, version: null, instances: [0] },
  ];
  const clients = {
    clients: [
      {
        endpoint: GATEWAY,
        registrationId: 'r1',
        lifetime: 300,
        lwm2mVersion: '1.2',
        binding: 'U',
        queueMode: false,
        smsNumber: null,
        address: '127.0.0.1:5683',
        secure: false,
        rootPath: '/',
        contentFormats: [112],
        objects: [...objects, { id: 25, version: null, instances: [] }],
        registeredAt: now,
        updatedAt: now,
        expiresAt: new Date(Date.now() + 300_000).toISOString(),
        presence: 'awake',
        queuedRequests: 0,
        gateway: {
          children: Array.from({ length: children }, (_, i) => ({
            deviceId: deviceId(i),
            prefix: `dev${i}`,
            gatewayEndpoint: GATEWAY,
            gatewayRegistrationId: 'r1',
            gatewayInstanceId: i,
            objects,
            since: now,
            updatedAt: now,
          })),
          syncedAt: now,
          observing: true,
          lastError: null,
          problems: [],
        },
      },
    ],
  };
  const clientsJson = JSON.stringify(clients);
  const streams = new Set<ServerResponse>();
  let seq = 0;
  let sent = 0;
  let rate = 0;
  let carry = 0;
  let next = 0;
  const timer = setInterval(() => {
    carry += (children * rate * TICK_MS) / 1000;
    const count = Math.floor(carry);
    carry -= count;
    if (count === 0 || streams.size === 0) return;
    const time = new Date().toISOString();
    let chunk = '';
    for (let k = 0; k < count; k++) {
      const i = next;
      next = (next + 1) % children;
      seq += 1;
      const value = Math.round((20 + 5 * Math.sin(seq / 500 + i)) * 100) / 100;
      chunk += `id: ${seq}\ndata: ${JSON.stringify({
        v: 1,
        seq,
        time,
        type: 'notification',
        endpoint: GATEWAY,
        registrationId: 'r1',
        deviceId: deviceId(i),
        prefix: `dev${i}`,
        path: `/dev${i}/3303/0/5700`,
        code: '2.05',
        observe: seq,
        confirmable: false,
        contentFormat: 0,
        values: [{ path: `/dev${i}/3303/0/5700`, type: 'float', value }],
        error: null,
      })}\n\n`;
    }
    sent += count;
    for (const stream of streams) stream.write(chunk);
  }, TICK_MS);

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const json = (status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (path === '/api/clients') return json(200, clientsJson);
    if (path === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': hello\n\n');
      streams.add(response);
      response.on('close', () => streams.delete(response));
      return;
    }
    const object = /^\/api\/objects\/(\d+)$/.exec(path);
    if (object) return json(200, JSON.stringify(registry.getObject(Number(object[1]))));
    if (path.startsWith('/api/devices/')) {
      return json(200, JSON.stringify({ code: '2.05', success: true, values: [] }));
    }
    if (path.startsWith('/api/')) return json(404, '{}');
    assets.serve(request, response);
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setRate: (r) => {
      rate = r;
    },
    sent: () => sent,
    async close() {
      clearInterval(timer);
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (n: number) => n.toFixed(1);

/** First paint, first contentful paint and "fleet listed" of a fresh page (no cache), in ms. */
async function loadTimes(browser: Browser, url: string, selector: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url);
  // in the page's clock, checked every frame
  const listed = (await (
    await page.waitForFunction(
      `document.querySelector(${JSON.stringify(selector)}) && (window.__listed ??= performance.now())`,
      undefined,
      { polling: 'raf' },
    )
  ).jsonValue()) as number;
  const paints = (await page.evaluate(
    "Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]))",
  )) as Record<string, number>;
  const wall = Date.now() - started;
  await context.close();
  return {
    firstPaint: paints['first-paint'] ?? Number.NaN,
    fcp: paints['first-contentful-paint'] ?? Number.NaN,
    listed,
    wall,
  };
}

/**
 * Installs the in-page probes: frames and long tasks. (Strings, not functions: tsx would wrap
 * named functions in a helper the page does not have.)
 */
async function probe(page: Page) {
  await page.evaluate(`(() => {
    window.__bench = { frames: 0, longTasks: [] };
    const frame = () => { window.__bench.frames += 1; requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  })()`);
}

async function window_(page: Page, seconds: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string) =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0) as number;
  const read = () =>
    page.evaluate(
      '({ frames: window.__bench.frames, longTasks: [...window.__bench.longTasks] })',
    ) as Promise<{
      frames: number;
      longTasks: number[];
    }>;
  const before = await read();
  const task0 = await metric('TaskDuration');
  const t0 = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await read();
  const task1 = await metric('TaskDuration');
  const wall = (Date.now() - t0) / 1000;
  const longTasks = after.longTasks.slice(before.longTasks.length);
  await cdp.detach();
  return {
    fps: (after.frames - before.frames) / wall,
    longTasks: longTasks.length,
    longestMs: longTasks.length ? Math.max(...longTasks) : 0,
    busy: (task1 - task0) / wall,
  };
}

/** Typing a filter until only the matching device is listed, in ms (in the page's clock). */
async function filterLatency(page: Page, text: string, expectedDeviceId: string): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const input = document.querySelector('input[type="search"]');
    const t0 = performance.now();
    const check = () => {
      const rows = document.querySelectorAll('tr.child-row');
      if (rows.length === 1 && rows[0].getAttribute('data-device-id') === ${JSON.stringify(expectedDeviceId)}) resolve(performance.now() - t0);
      else requestAnimationFrame(check);
    };
    input.value = ${JSON.stringify(text)};
    input.dispatchEvent(new Event('input', { bubbles: true }));
    requestAnimationFrame(check);
  })`);
}

export async function runConsoleBench(): Promise<void> {
  const browser = await launchSystemChromium();
  try {
    console.log('\n## Web console in Chromium (headless, loopback)\n');
    console.log(
      '| children | loads | first paint p50 / max ms | first contentful paint p50 / max ms | fleet listed p50 / max ms |',
    );
    console.log(
      '| -------: | ----: | -----------------------: | ----------------------------------: | ------------------------: |',
    );
    for (const children of [0, 1_000]) {
      const standIn = await startStandIn(children);
      const loads: Awaited<ReturnType<typeof loadTimes>>[] = [];
      for (let i = 0; i < 10; i++) {
        loads.push(
          await loadTimes(browser, `${standIn.url}/`, children === 0 ? 'tr.client-row' : 'tr.child-row'),
        );
      }
      await standIn.close();
      const col = (k: 'firstPaint' | 'fcp' | 'listed') =>
        `${ms(
          quantile(
            loads.map((l) => l[k]),
            0.5,
          ),
        )} / ${ms(Math.max(...loads.map((l) => l[k])))}`;
      console.log(
        `| ${children} | ${loads.length} | ${col('firstPaint')} | ${col('fcp')} | ${col('listed')} |`,
      );
    }

    console.log(
      '\n| view, 1,000 children | updates/s offered | fps | long tasks (> 50 ms) | longest ms | main thread busy | filter → 1 row ms |',
    );
    console.log(
      '| -------------------- | ----------------: | --: | -------------------: | ---------: | ---------------: | ----------------: |',
    );
    const standIn = await startStandIn(1_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${standIn.url}/`);
    await page.locator('tr.child-row').first().waitFor();
    await probe(page);
    for (const [view, rate] of [
      ['fleet, idle', 0],
      ['fleet', 10],
      ['device (with its trend chart)', 10],
      ['events', 10],
    ] as const) {
      if (view.startsWith('device')) {
        await page.evaluate("location.hash = '#/devices/urn%3Adev%3Abench%3A0007'");
        await page.locator('tr.resource[data-path="/3303/0/5700"] button', { hasText: 'chart' }).click();
        await page.locator('figure.trend canvas').waitFor();
      } else if (view === 'events') {
        await page.evaluate("location.hash = '#/events'");
      }
      standIn.setRate(rate);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const sent0 = standIn.sent();
      const result = await window_(page, 5);
      const offered = (standIn.sent() - sent0) / 5;
      let filter = '';
      if (view.startsWith('fleet')) {
        filter = ms(await filterLatency(page, 'bench:0999', deviceId(999)));
        await page.fill('input[type="search"]', '');
      }
      console.log(
        `| ${view} | ${Math.round(offered)} | ${Math.round(result.fps)} | ${result.longTasks} | ${ms(result.longestMs)} | ${Math.round(result.busy * 100)} % | ${filter} |`,
      );
    }
    standIn.setRate(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const received = await page.locator('section.events .counts').textContent();
    console.log(`\nvalues sent on the stream: ${standIn.sent()}; the page (events view): ${received}`);
    await page.close();
    await standIn.close();
  } finally {
    await browser.close();
  }
}
