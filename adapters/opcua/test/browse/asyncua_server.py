"""asyncua (PyPI) as an OPC UA server we did not write, for the browse tests.

usage: asyncua_server.py PORT  -- serves opc.tcp://127.0.0.1:PORT/ (security None, anonymous),
prints "listening PORT" once ready and runs until killed.
"""
import asyncio
import datetime
import sys

from asyncua import Server, ua


async def main(port):
    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}/")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    idx = await server.register_namespace("urn:asyncua:plant")
    plant = await server.nodes.objects.add_object(idx, "Plant")
    temperature = await plant.add_variable(ua.NodeId("Plant.Temperature", idx), "Temperature", 21.5, varianttype=ua.VariantType.Double)
    units = ua.EUInformation(
        NamespaceUri="http://www.opcfoundation.org/UA/units/un/cefact",
        UnitId=4408652,
        DisplayName=ua.LocalizedText("°C"),
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
    async with server:
        print(f"listening {port}", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
