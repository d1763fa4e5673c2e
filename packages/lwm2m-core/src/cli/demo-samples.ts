import { type LwM2mNode, node } from '../model/node.js';
import { LwM2mPath } from '../model/path.js';
import { value } from '../model/value.js';

export interface DemoSample {
  readonly title: string;
  readonly path: LwM2mPath;
  readonly node: LwM2mNode;
}

/** The embedded default of `lwm2m-inspect demo`: what a gateway reports for one PLC. */
export const demoSamples: readonly DemoSample[] = [
  {
    title: 'Temperature sensor value of end device dev0',
    path: LwM2mPath.parse('/dev0/3303/0/5700'),
    node: node.resource(5700, value.float(22.5)),
  },
  {
    title: 'Temperature object instance of end device dev0',
    path: LwM2mPath.parse('/dev0/3303/0'),
    node: node.instance(0, [
      node.resource(5700, value.float(22.5)),
      node.resource(5701, value.string('Cel')),
      node.resource(5601, value.float(-3.25)),
      node.resource(5602, value.float(71.5)),
    ]),
  },
  {
    title: 'Device object of the gateway',
    path: LwM2mPath.parse('/3/0'),
    node: node.instance(0, [
      node.resource(0, value.string('lwm2m-adapters')),
      node.resource(9, value.integer(88)),
      node.multiple(7, 'integer', [
        node.resourceInstance(0, value.integer(3800)),
        node.resourceInstance(1, value.integer(5000)),
      ]),
      node.resource(13, value.time(new Date(1_700_000_000_000))),
      node.resource(16, value.string('UQ')),
    ]),
  },
];
