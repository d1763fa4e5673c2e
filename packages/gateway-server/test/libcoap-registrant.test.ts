/**
 * libcoap's coap-client-notls (Debian libcoap3-bin) as a raw LwM2M registrant against the gateway
 * server over UDP: malformed links, bad queries and a missing endpoint name are answered 4.00
 * with nothing stored; a well-formed Register is stored; a second Register of the same endpoint
 * replaces the first; De-register removes it. A missing libcoap fails loudly (never skipped).
 *
 * coap-client exits 0 even on 4.xx answers: the answer is judged from its output (`-v 6` prints
 * the response header, e.g. `v:1 t:ACK c:4.00 i:...`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileAsync, requireExecutable } from '../../../test/peers/peer-process.js';
import { GatewayServer } from '../src/index.js';

const INSTALL = 'apt-get install -y libcoap3-bin';
let client: string;
let gateway: GatewayServer;
let base: string;

beforeAll(async () => {
  client = await requireExecutable('coap-client-notls', INSTALL);
  gateway = await GatewayServer.start({ coap: { host: '127.0.0.1', port: 0 } });
  base = `coap://127.0.0.1:${gateway.address('coap')?.port}`;
});

afterAll(async () => {
  await gateway?.close();
});

/** POSTs `links` to /rd?query and returns the response code and payload coap-client printed. */
async function post(
  path: string,
  links: string,
  contentFormat = 40,
): Promise<{ code: string; output: string }> {
  const { stdout, stderr } = await execFileAsync(
    client,
    ['-v', '6', '-B', '5', '-m', 'post', '-t', String(contentFormat), '-e', links, `${base}/${path}`],
    { timeout: 15_000 },
  );
  const output = `${stdout}\n${stderr}`;
  // the response header line: "v:1 t:ACK c:2.01 i:..." (the request line says c:POST)
  const codes = [...output.matchAll(/ c:(\d\.\d\d) /g)].map((m) => m[1] as string);
  return { code: codes.at(-1) ?? 'none', output };
}

async function remove(path: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync(
    client,
    ['-v', '6', '-B', '5', '-m', 'delete', `${base}/${path}`],
    {
      timeout: 15_000,
    },
  );
  return [...`${stdout}\n${stderr}`.matchAll(/ c:(\d\.\d\d) /g)].map((m) => m[1]).at(-1) ?? 'none';
}

describe('coap-client-notls as a raw LwM2M registrant', () => {
  const LINKS = '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303/0>';

  it.each([
    ['malformed links', 'rd?ep=raw-1&lt=60&lwm2m=1.1&b=U', '</3/0>,<broken', 40],
    ['an object id out of range', 'rd?ep=raw-1&lt=60&lwm2m=1.1', '</70000/0>', 40],
    ['no endpoint name', 'rd?lt=60&lwm2m=1.1&b=U', LINKS, 40],
    ['a lifetime that is not a number', 'rd?ep=raw-1&lt=soon&lwm2m=1.1', LINKS, 40],
    ['an unknown binding', 'rd?ep=raw-1&lt=60&lwm2m=1.1&b=Z', LINKS, 40],
  ])('answers 4.00 to a Register with %s and stores nothing', async (_what, path, links, format) => {
    const { code, output } = await post(path, links, format);
    expect(code, output).toBe('4.00');
    expect(gateway.server.registrations()).toEqual([]);
  });

  it('answers 4.15 to links that are not link-format, and 4.12 to LwM2M 2.0', async () => {
    expect((await post('rd?ep=raw-1&lt=60&lwm2m=1.1', LINKS, 0)).code).toBe('4.15');
    expect((await post('rd?ep=raw-1&lt=60&lwm2m=2.0', LINKS)).code).toBe('4.12');
    expect(gateway.server.registrations()).toEqual([]);
  });

  it('stores a Register; a second Register of the endpoint replaces the first; De-register removes it', async () => {
    const first = await post('rd?ep=raw-1&lt=60&lwm2m=1.1&b=U', LINKS);
    expect(first.code, first.output).toBe('2.01');
    const before = gateway.server.registration('raw-1');
    expect(before).toMatchObject({ lifetime: 60, lwm2mVersion: '1.1', binding: 'U', contentFormats: [110] });
    expect(before?.objects.map((o) => o.id)).toEqual([1, 3, 3303]);

    const second = await post('rd?ep=raw-1&lt=120&lwm2m=1.1&b=U', '</1/0>,</3/0>');
    expect(second.code, second.output).toBe('2.01');
    const after = gateway.server.registration('raw-1');
    expect(after?.id).not.toBe(before?.id);
    expect(after).toMatchObject({ lifetime: 120 });
    expect(gateway.server.registrations()).toHaveLength(1);

    expect(await remove(`rd/${before?.id}`)).toBe('4.04');
    expect(await remove(`rd/${after?.id}`)).toBe('2.02');
    expect(gateway.server.registrations()).toEqual([]);
  });
});
