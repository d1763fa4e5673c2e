/** browse against our simulator: the proposed mapping names IPSO objects where obvious and validates as it is. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opcuaBrowse } from '../../src/browse-capability.js';
import { OpcuaSimulator } from '../../src/simulator/index.js';
import { allTypesConfig } from '../simulator/all-types-config.js';
import { validates } from './validate-browsed.js';

let simulator: OpcuaSimulator;

beforeAll(async () => {
  simulator = new OpcuaSimulator({
    ...allTypesConfig,
    variables: [
      ...(allTypesConfig.variables ?? []),
      { node: '/2:Room/2:Humidity', type: 'Double', writable: false, value: 40, engineeringUnits: '%RH' },
      { node: '/2:Room/2:Pressure', type: 'Float', writable: false, value: 1.01, engineeringUnits: 'bar' },
      { node: '/2:Room/2:Fan On', type: 'Boolean', writable: false, value: true },
      {
        node: '/2:Room/2:Outside Temperature',
        type: 'Double',
        writable: false,
        value: 4.5,
        engineeringUnits: '°C',
      },
    ],
  });
  await simulator.start();
}, 60_000);

afterAll(async () => {
  await simulator?.close();
});

describe('opcuaBrowse against the simulator', () => {
  it('proposes IPSO objects by name, type and units, lists the rest, and validates as it is', async () => {
    const text = await opcuaBrowse.run(simulator.endpointUrl, { depth: '3' });
    const result = await validates(text);
    if (!result.ok) throw new Error(`${text}\n${JSON.stringify(result.issues, null, 2)}`);
    expect(text).toContain(`endpoint: ${simulator.endpointUrl}`);
    // Doubles named Temperature in °C → Temperature; Humidity; Pressure; an on/off switch; a set point.
    expect(text).toMatch(
      /# \/2:Boiler1\/2:Temperature \(Double, °C, writable\): a temperature\n\s+\/3303\/0\/5700:\n\s+source:\n\s+node: ns=2;i=\d+\n\s+type: Double/,
    );
    expect(text).toMatch(/\/3303\/0\/5701: Cel/);
    expect(text).toMatch(/\/3303\/1\/5700:/);
    expect(text).toMatch(/\/3308\/\d+\/5900:\n\s+source:\n\s+node: ns=2;s=Boiler1.Setpoint/);
    expect(text).toMatch(/\/3304\/0\/5700:/);
    expect(text).toMatch(/\/3323\/0\/5700:/);
    expect(text).toMatch(/\/3342\/0\/5500:/);
    // Writable numbers become Set Points with their name; a GUID NodeId survives as text.
    expect(text).toMatch(/node: ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a/i);
    expect(text).toContain('node: ns=2;b=M/RbKBsRVkePCePcx24oRA==');
    // DateTime, ByteString and arrays have no standard object: listed as comments, with a source.
    expect(text).toMatch(
      /# {3}\/2:DateTime \(DateTime, writable\) source: \{ node: "ns=2;s=DateTime", type: DateTime \}/,
    );
    expect(text).toMatch(/# {3}\/2:DoubleArray \(Double\[\], writable\)/);
    expect(text).toMatch(/# {3}\/2:Boiler1\/2:Echo \(method, 2 input argument\(s\)\)/);
  }, 60_000);

  it('starts from --from and stops at --depth', async () => {
    const boiler = await opcuaBrowse.run(simulator.endpointUrl, { depth: '1', from: 'ns=2;s=Controls' });
    expect((await validates(boiler)).ok).toBe(true);
    expect(boiler).toContain('0 variable(s) and 1 method(s) found');
    const shallow = await opcuaBrowse.run(simulator.endpointUrl, { depth: '1' });
    expect(shallow).toMatch(/node\(s\) below the depth limit not followed/);
    expect(shallow).not.toContain('Temperature');
  }, 60_000);

  it('refuses options that make no sense and an unreachable server', async () => {
    await expect(opcuaBrowse.run(simulator.endpointUrl, { depth: '0' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(opcuaBrowse.run('http://x', {})).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(opcuaBrowse.run('opc.tcp://127.0.0.1:1', {})).rejects.toMatchObject({
      code: 'DEVICE_UNREACHABLE',
    });
  }, 60_000);
});
