/**
 * modbus-serial's client class. Its typings declare an ES default export on a CommonJS module,
 * which NodeNext reads as `module.exports.default`; the package sets that at runtime too.
 */
import modbusSerial from 'modbus-serial';

export const ModbusSerialClient = modbusSerial.default;
