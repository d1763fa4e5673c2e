/** openapi.json describes exactly the routes the API serves, and its schemas are not vacuous. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../src/http/api-routes.js';
import { checkEvent, checkResponse, openapi } from './support/openapi-check.js';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

describe('openapi.json', () => {
  it('is OpenAPI 3.1 and lists every route the handler serves, and no other', () => {
    expect(openapi.openapi).toBe('3.1.0');
    const documented = Object.entries(openapi.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) => METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('refuses answers and events that do not match (the checks can fail)', () => {
    expect(() => checkResponse('/api/clients', 'GET', 200, { clients: [{ endpoint: 'x' }] })).toThrow(
      /does not match #\/components\/schemas\/ClientList/,
    );
    expect(() =>
      checkResponse('/api/clients/{endpoint}/{path}', 'GET', 200, {
        code: '2.05',
        success: true,
        diagnostic: null,
        endpoint: 'a',
        deviceId: null,
        prefix: null,
        path: '/3/0/1',
        contentFormat: 0,
        values: [{ path: '/3/0/1', type: 'bigint', value: '1' }],
      }),
    ).toThrow(/ReadAnswer/);
    expect(() => checkResponse('/api/clients', 'DELETE', 200, {})).toThrow(/does not describe DELETE/);
    expect(() =>
      checkEvent({
        v: 1,
        seq: 1,
        time: 'now',
        type: 'deregistered',
        endpoint: 'a',
        registrationId: 'r',
        reason: 'gone',
      }),
    ).toThrow();
    expect(() =>
      checkEvent({
        v: 1,
        seq: 1,
        time: '2026-12-05T22:03:05.123Z',
        type: 'deregistered',
        endpoint: 'a',
        registrationId: 'r',
        reason: 'expired',
      }),
    ).not.toThrow();
  });

  it('is served at /api/openapi.json', async () => {
    const { GatewayHttpApi } = await import('../src/http/gateway-http-api.js');
    const api = new GatewayHttpApi({
      server: {} as never,
      children: {} as never,
      events: {} as never,
      model: { getObject: () => undefined, getResource: () => undefined, list: () => [] },
    });
    const http = createServer((req, res) => api.handle(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const response = await fetch(`${url}/api/openapi.json`);
      expect(await response.json()).toEqual(openapi);
      const other = await fetch(`${url}/elsewhere`);
      expect(other.status).toBe(404);
      const body = (await other.json()) as { error: { code: string } };
      checkResponse(undefined, 'GET', 404, body);
      expect(body.error.code).toBe('API_NOT_FOUND');
    } finally {
      http.close();
    }
  });
});
