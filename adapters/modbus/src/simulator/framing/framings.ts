import { asciiFraming } from './ascii-framing.js';
import type { Framing, FramingName } from './framing.js';
import { rtuFraming } from './rtu-framing.js';
import { tcpFraming } from './tcp-framing.js';

export const framings: Readonly<Record<FramingName, Framing>> = {
  tcp: tcpFraming,
  rtu: rtuFraming,
  ascii: asciiFraming,
};
