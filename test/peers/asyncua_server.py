"""
asyncua (PyPI 2.1.x) as an independent OPC UA server (an OPC UA server we did not write) for the
interop and acceptance tests; driven by test/peers/asyncua.ts.

    python asyncua_server.py '<json config>'

config:
    port          TCP port on 127.0.0.1 (0: a free ephemeral port is chosen)
    certDir       when given: the server offers only the secured endpoints of `policies`, with a key
                  and certificate made in certDir on first start (kept across restarts), and a user
                  certificate (user-cert.pem, user-key.pem) it accepts for X509 identity tokens
    policies      secured endpoints (default ["Basic256Sha256_SignAndEncrypt"]), names of
                  asyncua's SecurityPolicyType
    users         {"name": "password"} accepted for UserName tokens (anonymous is refused when set)
    objects       which objects the address space holds (default ["Boiler1"]): "Boiler1" (below) and
                  "Plant" (Temperature in degC with EngineeringUnits, Setpoint, Energy Int64,
                  Pump Running, Batch, Started DateTime, a method Reset(); numeric NodeIds but
                  Plant.Temperature), the browse tests' plant

Namespace "urn:lwm2m-adapters:asyncua-test" (index printed), object Boiler1 with one writable
variable of every supported type (string NodeIds "Boiler1.<Type>"), arrays, a read-only variable,
a Counter incremented every 100 ms, a method Add(Int32 a, Double b) -> Double that also stores
"a+b" in Boiler1.LastCall and prints "CALL Add a=<a> b=<b>", and a method CloseSessions() after
which the server closes every session. Prints "READY port=<port> ns=<index>" once serving; serves
until SIGTERM.

Server-side writer: one JSON object per stdin line, {"node": "Boiler1.Float", "type": "Float",
"value": 30.5} (string NodeId in the test namespace, asyncua VariantType name; Int64/UInt64 as
decimal strings, DateTime as ISO 8601, optional "tag"), written by the server itself; answered
"SET <tag or node> ok" or "SET <tag or node> error <message>". Without "type" the value is read:
"GOT <tag or node> <json>" (integers exact, DateTime as str()).
"""

import asyncio
import datetime
import json
import logging
import signal
import socket
import sys
from pathlib import Path

from asyncua import Server, ua
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.server.user_managers import UserManager
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

NAMESPACE = "urn:lwm2m-adapters:asyncua-test"


class PasswordUsers(UserManager):
    def __init__(self, users):
        self.users = users
        self.user_certificate = None

    def get_user(self, iserver, username=None, password=None, certificate=None):
        # asyncua passes the certificate of the X509 token, or else the client application's
        if username is not None:
            return User(role=UserRole.User) if self.users.get(username) == password else None
        if certificate is not None and self.user_certificate is not None:
            der = certificate if isinstance(certificate, bytes) else certificate.public_bytes(Encoding.DER)
            if der == self.user_certificate.public_bytes(Encoding.DER):
                return User(role=UserRole.User)
        return None if self.users else User(role=UserRole.User)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def main(config):
    port = config.get("port") or free_port()
    users = config.get("users") or {}
    user_manager = PasswordUsers(users)
    server = Server(user_manager=user_manager)
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}/")
    server.set_server_name("asyncua interop test server")
    cert_dir = config.get("certDir")
    if cert_dir:
        d = Path(cert_dir)
        d.mkdir(parents=True, exist_ok=True)
        uri = "urn:lwm2m-adapters:asyncua-test-server"
        await server.set_application_uri(uri)
        await setup_self_signed_certificate(
            d / "server-key.pem",
            d / "server-cert.der",
            uri,
            "127.0.0.1",
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
            {"countryName": "DE", "organizationName": "lwm2m-adapters tests", "commonName": "asyncua-test"},
        )
        await server.load_certificate(str(d / "server-cert.der"))
        await server.load_private_key(str(d / "server-key.pem"))
        await setup_self_signed_certificate(
            d / "user-key.pem",
            d / "user-cert.der",
            "urn:lwm2m-adapters:asyncua-test-user",
            "127.0.0.1",
            [ExtendedKeyUsageOID.CLIENT_AUTH],
            {"countryName": "DE", "organizationName": "lwm2m-adapters tests", "commonName": "test-user"},
        )
        user_manager.user_certificate = x509.load_der_x509_certificate((d / "user-cert.der").read_bytes())
        (d / "user-cert.pem").write_bytes(user_manager.user_certificate.public_bytes(Encoding.PEM))
        policies = config.get("policies") or ["Basic256Sha256_SignAndEncrypt"]
        server.set_security_policy([getattr(ua.SecurityPolicyType, p) for p in policies])
    else:
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    if users:
        server.set_identity_tokens([ua.UserNameIdentityToken, ua.X509IdentityToken])
    else:
        server.set_identity_tokens([ua.AnonymousIdentityToken, ua.UserNameIdentityToken])

    idx = await server.register_namespace(NAMESPACE)
    objects = config.get("objects") or ["Boiler1"]
    if "Boiler1" in objects:
        await add_boiler(server, idx)
    if "Plant" in objects:
        await add_plant(server, idx)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async with server:
        print(f"READY port={port} ns={idx}", flush=True)
        reader = asyncio.create_task(serve_writes(server, idx))
        await stop.wait()
        reader.cancel()


def to_value(vtype, value):
    if vtype in ("Int64", "UInt64"):
        return int(value)
    if vtype == "DateTime":
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if vtype == "ByteString":
        return bytes(value)
    return value


async def serve_writes(server, idx):
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        try:
            req = json.loads(line)
        except ValueError:
            continue
        node = req.get("node")
        tag = req.get("tag", node)
        if "type" not in req:
            try:
                value = await server.get_node(ua.NodeId(node, idx)).read_value()
                print(f"GOT {tag} {json.dumps(value, default=str)}", flush=True)
            except Exception as err:  # noqa: BLE001 -- reported to the test
                print(f"GOT {tag} error {err}", flush=True)
            continue
        try:
            vtype = getattr(ua.VariantType, req["type"])
            await server.get_node(ua.NodeId(node, idx)).write_value(ua.Variant(to_value(req["type"], req["value"]), vtype))
            print(f"SET {tag} ok", flush=True)
        except Exception as err:  # noqa: BLE001 -- reported to the test
            print(f"SET {tag} error {err}", flush=True)


async def add_plant(server, idx):
    plant = await server.nodes.objects.add_object(idx, "Plant")
    temperature = await plant.add_variable(ua.NodeId("Plant.Temperature", idx), "Temperature", 21.5, varianttype=ua.VariantType.Double)
    units = ua.EUInformation(
        NamespaceUri="http://www.opcfoundation.org/UA/units/un/cefact",
        UnitId=4408652,
        DisplayName=ua.LocalizedText("\u00b0C"),
        Description=ua.LocalizedText("degree Celsius"),
    )
    await temperature.add_property(ua.NodeId("Plant.Temperature.EngineeringUnits", idx), ua.QualifiedName("EngineeringUnits", 0), units)
    setpoint = await plant.add_variable(idx, "Setpoint", 60.0, varianttype=ua.VariantType.Double)
    await setpoint.set_writable()
    await plant.add_variable(idx, "Energy", 123456789012, varianttype=ua.VariantType.Int64)
    await plant.add_variable(idx, "Pump Running", True, varianttype=ua.VariantType.Boolean)
    await plant.add_variable(idx, "Batch", "B-42", varianttype=ua.VariantType.String)
    await plant.add_variable(idx, "Started", datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), varianttype=ua.VariantType.DateTime)

    async def reset(parent):
        return []

    await plant.add_method(idx, "Reset", reset, [], [])


async def add_boiler(server, idx):
    boiler = await server.nodes.objects.add_object(ua.NodeId("Boiler1", idx), ua.QualifiedName("Boiler1", idx))

    def nid(name):
        return ua.NodeId(f"Boiler1.{name}", idx)

    when = datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)
    values = [
        ("Boolean", True, ua.VariantType.Boolean),
        ("SByte", -5, ua.VariantType.SByte),
        ("Byte", 200, ua.VariantType.Byte),
        ("Int16", -30000, ua.VariantType.Int16),
        ("UInt16", 60000, ua.VariantType.UInt16),
        ("Int32", -2000000000, ua.VariantType.Int32),
        ("UInt32", 4000000000, ua.VariantType.UInt32),
        ("Int64", -(2**62) - 3, ua.VariantType.Int64),
        ("UInt64", 2**64 - 5, ua.VariantType.UInt64),
        ("Float", 21.5, ua.VariantType.Float),
        ("Double", 3.141592653589793, ua.VariantType.Double),
        ("String", "idle", ua.VariantType.String),
        ("DateTime", when, ua.VariantType.DateTime),
        ("ByteString", b"\x00\x01\xfe\xff", ua.VariantType.ByteString),
        ("DoubleArray", [1.5, 2.5, -3.0], ua.VariantType.Double),
        ("Int64Array", [2**60, -(2**60)], ua.VariantType.Int64),
        ("Setpoint", 20.0, ua.VariantType.Double),
    ]
    for name, value, vtype in values:
        var = await boiler.add_variable(nid(name), ua.QualifiedName(name, idx), ua.Variant(value, vtype), datatype=None)
        if isinstance(value, list):
            await var.write_value_rank(1)
            await var.write_array_dimensions([0])
        await var.set_writable()
    readonly = await boiler.add_variable(nid("ReadOnly"), ua.QualifiedName("ReadOnly", idx), ua.Variant(7, ua.VariantType.Int32))
    last_call = await boiler.add_variable(nid("LastCall"), ua.QualifiedName("LastCall", idx), ua.Variant("", ua.VariantType.String))
    counter = await boiler.add_variable(ua.NodeId(5000, idx), ua.QualifiedName("Counter", idx), ua.Variant(0, ua.VariantType.UInt32))
    await boiler.add_variable(ua.NodeId("Boiler1.Temperature", idx), ua.QualifiedName("Temperature", idx), ua.Variant(21.25, ua.VariantType.Double))

    async def add(parent, a, b):
        print(f"CALL Add a={a.Value} b={b.Value}", flush=True)
        await last_call.write_value(ua.Variant(f"{a.Value}+{b.Value}", ua.VariantType.String))
        return [ua.Variant(float(a.Value) + float(b.Value), ua.VariantType.Double)]

    arg_a = ua.Argument()
    arg_a.Name = "a"
    arg_a.DataType = ua.NodeId(ua.ObjectIds.Int32)
    arg_a.ValueRank = -1
    arg_b = ua.Argument()
    arg_b.Name = "b"
    arg_b.DataType = ua.NodeId(ua.ObjectIds.Double)
    arg_b.ValueRank = -1
    out = ua.Argument()
    out.Name = "sum"
    out.DataType = ua.NodeId(ua.ObjectIds.Double)
    out.ValueRank = -1
    await boiler.add_method(ua.NodeId("Boiler1.Add", idx), ua.QualifiedName("Add", idx), add, [arg_a, arg_b], [out])
    _ = readonly

    async def close_sessions(parent):
        # the server closes every client session (as a server does on its session limit or an
        # operator's request), shortly after answering this call
        async def later():
            await asyncio.sleep(0.2)
            for session in list(server.iserver._external_sessions.values()):
                await session.close_session(delete_subs=True)

        asyncio.get_running_loop().create_task(later())
        return []

    await boiler.add_method(ua.NodeId("Boiler1.CloseSessions", idx), ua.QualifiedName("CloseSessions", idx), close_sessions, [], [])

    async def count():
        n = 0
        while True:
            await asyncio.sleep(0.1)
            n += 1
            await counter.write_value(ua.Variant(n, ua.VariantType.UInt32))

    # held by the server object so the task is not garbage-collected; ends with the event loop
    server.counter_task = asyncio.get_running_loop().create_task(count())


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))
