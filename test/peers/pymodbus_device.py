"""A Modbus device played by pymodbus, for interop tests of the lwm2m-adapters Modbus adapter.

Written against pymodbus 3.16 (SimDevice/SimData datastore). Usage:

    python pymodbus_device.py '<json config>'

Config (JSON):
    transport: "tcp" | "serial"
    framer:    "socket" | "rtu" | "ascii"   (asked for explicitly: serial defaults differ across 3.x)
    host, port:            tcp; port 0 binds an ephemeral port
    serialPort, baudRate:  serial (8N1)
    units: { "<id>": { "size": registers/bits per table (addresses >= size raise exception 2),
                       "values": [ {table, address, type, value, order?, length?, encoding?, byteOrder?} ] } }

Typed values are encoded here with Python's struct module (an implementation independent of the
adapter's codec): big-endian bytes of the value, then permuted by `order` (letters A.. name the
value bytes from most significant; the order string lists them as they appear on the wire).
Integers beyond 2^53 arrive as decimal strings. Units not listed never answer (the master times
out), like a missing unit on a serial bus.

Prints "READY port=<port>" once serving, then serves until SIGTERM.
"""

import asyncio
import json
import logging
import signal
import struct
import sys

from pymodbus import FramerType, pymodbus_apply_logging_config
from pymodbus.server import ModbusSerialServer, ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

STRUCT = {
    "int16": ">h",
    "uint16": ">H",
    "int32": ">i",
    "uint32": ">I",
    "int64": ">q",
    "uint64": ">Q",
    "float32": ">f",
    "float64": ">d",
}
FRAMERS = {"socket": FramerType.SOCKET, "rtu": FramerType.RTU, "ascii": FramerType.ASCII}


def encode(entry):
    """Wire bytes of one typed value."""
    kind = entry["type"]
    if kind == "string":
        raw = entry["value"].encode(entry.get("encoding", "ascii"))
        size = entry["length"] * 2
        raw = raw + b"\0" * (size - len(raw))
        if entry.get("byteOrder") == "little":
            raw = b"".join(raw[i + 1 : i + 2] + raw[i : i + 1] for i in range(0, size, 2))
        return raw
    value = entry["value"]
    if kind.startswith("float"):
        value = float(value)
    else:
        value = int(value)
    big = struct.pack(STRUCT[kind], value)
    order = entry.get("order") or "ABCDEFGH"[: len(big)]
    return bytes(big[ord(letter) - ord("A")] for letter in order)


def build_device(unit_id, spec):
    size = spec.get("size", 100)
    tables = {"coil": [False] * size, "discrete": [False] * size, "holding": [0] * size, "input": [0] * size}
    for entry in spec.get("values", []):
        table, address = entry["table"], entry["address"]
        if table in ("coil", "discrete"):
            tables[table][address] = bool(entry["value"])
        elif entry.get("type", "uint16") == "uint16" and isinstance(entry["value"], list):
            for i, register in enumerate(entry["value"]):
                tables[table][address + i] = register
        else:
            raw = encode(entry)
            for i in range(0, len(raw), 2):
                tables[table][address + i // 2] = (raw[i] << 8) | raw[i + 1]
    return SimDevice(
        unit_id,
        simdata=(
            [SimData(0, values=tables["coil"], datatype=DataType.BITS)],
            [SimData(0, values=tables["discrete"], datatype=DataType.BITS)],
            [SimData(0, values=tables["holding"], datatype=DataType.REGISTERS)],
            [SimData(0, values=tables["input"], datatype=DataType.REGISTERS)],
        ),
    )


async def main(config):
    pymodbus_apply_logging_config(logging.CRITICAL)
    devices = [build_device(int(unit_id), spec) for unit_id, spec in config["units"].items()]
    known = {device.id for device in devices}

    def drop_unknown_units(sending, pdu):
        # pymodbus 3.16 answers an unknown unit with exception 4 (its SimCore falls back to device 0
        # and fails); a real bus stays silent, so requests to unknown units are dropped here.
        if not sending and pdu.dev_id not in known:
            return None
        return pdu

    framer = FRAMERS[config["framer"]]
    if config["transport"] == "tcp":
        server = ModbusTcpServer(
            devices,
            framer=framer,
            address=(config.get("host", "127.0.0.1"), config.get("port", 0)),
            ignore_missing_devices=True,
            trace_pdu=drop_unknown_units,
        )
    else:
        server = ModbusSerialServer(
            devices,
            framer=framer,
            port=config["serialPort"],
            baudrate=config.get("baudRate", 19200),
            bytesize=8,
            parity="N",
            stopbits=1,
            ignore_missing_devices=True,
            trace_pdu=drop_unknown_units,
        )
    await server.serve_forever(background=True)
    port = server.transport.sockets[0].getsockname()[1] if config["transport"] == "tcp" else 0
    print(f"READY port={port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await server.shutdown()


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
