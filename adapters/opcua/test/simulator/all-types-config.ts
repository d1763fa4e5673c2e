/** A simulator configuration with a variable of every supported type, methods and NodeIds of all forms. */
import type { OpcuaSimulatorConfigInput } from '../../src/simulator/index.js';

export const allTypesConfig: OpcuaSimulatorConfigInput = {
  namespaces: ['urn:test:plant'],
  variables: [
    { node: 'ns=2;s=Bool', type: 'Boolean', value: true },
    { node: 'ns=2;s=SByte', type: 'SByte', value: -5 },
    { node: 'ns=2;s=Byte', type: 'Byte', value: 200 },
    { node: 'ns=2;s=Int16', type: 'Int16', value: -30000 },
    { node: 'ns=2;s=UInt16', type: 'UInt16', value: 60000 },
    { node: 'ns=2;i=1001', type: 'Int32', value: -2000000000 },
    { node: 'ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a', type: 'UInt32', value: 4000000000 },
    { node: 'ns=2;b=M/RbKBsRVkePCePcx24oRA==', type: 'Int64', value: '-9007199254740993' },
    { node: 'ns=2;s=UInt64', type: 'UInt64', value: '18446744073709551615' },
    { node: 'ns=2;s=Float', type: 'Float', value: 1.5 },
    { node: 'ns=2;s=Double', type: 'Double', value: 1234.56789012345 },
    { node: 'ns=2;s=String', type: 'String', value: 'hello' },
    { node: 'ns=2;s=DateTime', type: 'DateTime', value: '2026-01-02T03:04:05.678Z' },
    { node: 'ns=2;s=ByteString', type: 'ByteString', value: 'AQID/w==' },
    { node: 'ns=2;s=DoubleArray', type: 'Double', array: true, value: [1.5, 2.5, 3.5] },
    { node: 'ns=2;s=Int64Array', type: 'Int64', array: true, value: ['9223372036854775807', '-1'] },
    { node: 'nsu=urn:test:plant;s=ReadOnly', type: 'Int32', value: 7, writable: false },
    {
      node: '/2:Boiler1/2:Temperature',
      type: 'Double',
      value: 21.5,
      engineeringUnits: '°C',
    },
    { node: 'ns=2;s=Boiler1.Setpoint', path: '/2:Boiler1/2:Setpoint', type: 'Double', value: 50 },
    { node: 'ns=2;s=Ramp', type: 'Double', signal: { kind: 'ramp', from: 0, to: 1000, periodMs: 1000 } },
  ],
  methods: [
    {
      object: '/2:Boiler1',
      method: '/2:Boiler1/2:Echo',
      inputs: [
        { name: 'a', type: 'String' },
        { name: 'b', type: 'Int32' },
      ],
      behaviour: { kind: 'echo' },
    },
    {
      object: '/2:Boiler1',
      method: 'ns=2;s=Boiler1.SetSetpoint',
      inputs: [{ name: 'value', type: 'Double' }],
      behaviour: { kind: 'set', target: '/2:Boiler1/2:Setpoint' },
    },
    {
      object: 'ns=2;s=Controls',
      method: 'ns=2;s=Controls.Reset',
      behaviour: { kind: 'reset', target: 'ns=2;s=Boiler1.Setpoint' },
    },
  ],
};
