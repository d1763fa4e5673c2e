/**
 * Smoke test of the Leshan library harness with a third-party client, so the harness is checked
 * apart from the client engine it serves: libcoap's coap-client registers and then POSTs a SenML
 * JSON Send to /dp from the same UDP port (Leshan ties a Send to its registration by the sender's
 * address); the harness reports both, with Leshan's decoding of the values and timestamps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPorts } from './leshan/free-ports.js';
import { type HarnessEvent, type LeshanHarness, leafValues, startLeshanHarness } from './leshan-harness.js';
import { execFileAsync, requireExecutable } from './peer-process.js';

const EP = 'harness-library-probe';

let leshan: LeshanHarness;
let coapClient: string;
let localPort: number;

/** Runs coap-client from `localPort` and returns the response code of its `-v 6` trace. */
async function coap(args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await execFileAsync(
    coapClient,
    ['-B', '5', '-v', '6', '-p', String(localPort), ...args],
    { timeout: 10_000 },
  );
  const code = /t:(?:ACK|CON|NON) c:(\d\.\d\d) /.exec(`${stdout}${stderr}`)?.[1];
  if (code === undefined) throw new Error(`no CoAP response in coap-client output:\n${stdout}${stderr}`);
  return code;
}

beforeAll(async () => {
  coapClient = await requireExecutable('coap-client-notls', 'apt-get install libcoap3-bin');
  const [port] = await freeUdpPorts(1);
  if (port === undefined) throw new Error('no free UDP port');
  localPort = port;
  leshan = await startLeshanHarness();
  console.info(`Leshan library harness ready in ${leshan.startupMs} ms on coap ${leshan.coapPort}`);
}, 60_000);

afterAll(async () => {
  await leshan?.stop();
});

describe('Leshan library harness', () => {
  it('reports a raw CoAP registration', async () => {
    const from = leshan.cursor();
    const code = await coap([
      '-m',
      'post',
      '-t',
      '40',
      '-e',
      '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303>;ver=1.1,</3303/0>',
      `coap://127.0.0.1:${leshan.coapPort}/rd?ep=${EP}&lt=60&lwm2m=1.1&b=U`,
    ]);
    expect(code).toBe('2.01');
    const registered = await leshan.waitForEvent((e) => e.event === 'registered' && e.endpoint === EP, 5000, {
      after: from,
    });
    expect(registered).toMatchObject({ lwm2mVersion: '1.1' });
    expect('objectLinks' in registered ? registered.objectLinks : '').toContain('</3303/0>');
  });

  it('reports a Send with the values and timestamps Leshan decoded', async () => {
    const from = leshan.cursor();
    const senml = JSON.stringify([
      { bn: '/3303/0/', n: '5700', v: 21.5, t: 1700000000 },
      { n: '5700', v: 22.25, t: 1700000010 },
      { bn: '/3/0/', n: '0', vs: 'acme' },
    ]);
    const code = await coap([
      '-m',
      'post',
      '-t',
      '110',
      '-e',
      senml,
      `coap://127.0.0.1:${leshan.coapPort}/dp`,
    ]);
    expect(code).toBe('2.04');
    const send = (await leshan.waitForEvent((e) => e.event === 'send' && e.endpoint === EP, 5000, {
      after: from,
    })) as Extract<HarnessEvent, { event: 'send' }>;
    expect(send.format).toBe('SENML_JSON');
    const byTime = new Map(send.records.map((r) => [r.timestamp, leafValues(r.nodes)]));
    expect(byTime.get(1700000000000)).toEqual({ '/3303/0/5700': 21.5 });
    expect(byTime.get(1700000010000)).toEqual({ '/3303/0/5700': 22.25 });
    expect(byTime.get(null)).toEqual({ '/3/0/0': 'acme' });
  });

  it('rejects a command for an endpoint that is not registered', async () => {
    await expect(leshan.read('nobody', '/3/0')).rejects.toThrow(/no registration for endpoint "nobody"/);
  });
});
