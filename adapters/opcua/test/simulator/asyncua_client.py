"""asyncua (PyPI) as an independent OPC UA client of our simulator, for the interop tests.

Reads one JSON request on stdin:
  {"endpoint": "opc.tcp://127.0.0.1:4840", "username": "u", "password": "p",
   "ops": [{"op": "read", "node": "ns=2;s=X"},
           {"op": "write", "node": "ns=2;s=X", "type": "Int64", "value": "-5"},
           {"op": "call", "object": "ns=2;s=O", "method": "ns=2;s=M", "args": [{"type": "String", "value": "a"}]},
           {"op": "browse_path", "path": ["2:Boiler1", "2:Temperature"]}]}
and prints one JSON answer: {"results": [...]} with each value tagged by its type
(integers as decimal text, so 64-bit values stay exact; bytes as base64; DateTime as ISO text).
"""
import asyncio
import base64
import datetime
import json
import sys

from asyncua import Client, ua


def encode(value):
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": value}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return {"time": value.isoformat()}
    if isinstance(value, list):
        return {"list": [encode(v) for v in value]}
    return {"other": repr(value)}


def decode(type_name, value):
    if type_name in ("SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64"):
        return int(value)
    if type_name in ("Float", "Double"):
        return float(value)
    if type_name == "Boolean":
        return bool(value)
    if type_name == "ByteString":
        return base64.b64decode(value)
    if type_name == "DateTime":
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def variant(type_name, value):
    return ua.Variant(decode(type_name, value), getattr(ua.VariantType, type_name))


async def run(request):
    client = Client(url=request["endpoint"], timeout=10)
    if "username" in request:
        client.set_user(request["username"])
        client.set_password(request.get("password", ""))
    results = []
    async with client:
        for op in request["ops"]:
            try:
                if op["op"] == "read":
                    dv = await client.get_node(op["node"]).read_data_value(raise_on_bad_status=False)
                    results.append({
                        "status": dv.StatusCode.name if dv.StatusCode is not None else "Good",
                        "type": dv.Value.VariantType.name if dv.Value is not None else None,
                        "value": encode(dv.Value.Value) if dv.Value is not None else None,
                    })
                elif op["op"] == "write":
                    node = client.get_node(op["node"])
                    await node.write_value(ua.DataValue(variant(op["type"], op["value"])))
                    results.append({"status": "Good"})
                elif op["op"] == "call":
                    args = [variant(a["type"], a["value"]) for a in op.get("args", [])]
                    method = ua.NodeId.from_string(op["method"])
                    out = await client.get_node(op["object"]).call_method(method, *args)
                    results.append({"status": "Good", "value": encode(out if isinstance(out, list) else [out] if out is not None else [])})
                elif op["op"] == "browse_path":
                    node = await client.nodes.objects.get_child(op["path"])
                    results.append({"status": "Good", "node": node.nodeid.to_string()})
                else:
                    results.append({"status": "UnknownOp"})
            except ua.UaStatusCodeError as error:
                results.append({"status": ua.StatusCode(error.code).name})
    return {"results": results}


if __name__ == "__main__":
    answer = asyncio.run(run(json.load(sys.stdin)))
    json.dump(answer, sys.stdout)
