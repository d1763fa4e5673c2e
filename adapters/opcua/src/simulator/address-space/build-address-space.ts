/**
 * Builds the simulator's nodes into a fresh node-opcua address space: namespaces, objects along
 * browse paths, variables bound to the value store (with the fault hooks), and methods with their
 * behaviours. Called at every (re)start with the same configuration, so node ids come out the same.
 */
import { DataType, NodeId, QualifiedName, StatusCodes, Variant, VariantArrayType } from 'node-opcua-client';
import type { OPCUAServer } from 'node-opcua-server';
import type {
  OpcuaSimulatorConfig,
  SimulatedMethod,
  SimulatedVariable,
} from '../config/simulator-config-schema.js';
import type { SimulatorFaults } from '../simulator-faults.js';
import type { LooseScalar } from '../values/simulated-value.js';
import type { ValueStore } from '../values/value-store.js';
import {
  type NamespaceTable,
  type PathSegment,
  pathKey,
  type ResolvedReference,
  referencedNamespaces,
  resolveReference,
} from './node-reference.js';

type AddressSpace = NonNullable<OPCUAServer['engine']['addressSpace']>;
type Namespace = ReturnType<AddressSpace['getOwnNamespace']>;
type UAObject = ReturnType<Namespace['addObject']>;

const PLACEHOLDER_URI = 'urn:lwm2m-adapters:opcua-simulator:ns';

/** The namespace URIs to register from index 2 on: the configured ones, placeholders up to the highest index used, then `nsu=` URIs. */
export function plannedNamespaces(config: OpcuaSimulatorConfig): string[] {
  const texts = [
    ...config.variables.flatMap((v) => [v.node, ...(v.path === undefined ? [] : [v.path])]),
    ...config.methods.flatMap((m) => [m.object, m.method]),
  ];
  const uris = [...config.namespaces];
  let maxIndex = 1;
  const named: string[] = [];
  for (const text of texts) {
    const used = referencedNamespaces(text);
    for (const index of used.indexes) maxIndex = Math.max(maxIndex, index);
    named.push(...used.uris);
  }
  while (uris.length + 1 < maxIndex) uris.push(`${PLACEHOLDER_URI}${uris.length + 2}`);
  for (const uri of named) if (!uris.includes(uri)) uris.push(uri);
  return uris;
}

/** A method call as the simulator recorded it. */
export interface RecordedCall {
  readonly method: string;
  readonly inputs: readonly unknown[];
}

export interface BuildContext {
  readonly config: OpcuaSimulatorConfig;
  readonly store: ValueStore;
  readonly faults: SimulatorFaults;
  readonly onCall: (call: RecordedCall) => void;
}

export interface BuiltAddressSpace {
  readonly namespaces: NamespaceTable;
  /** Every text naming a variable (config `node`, `path`, resolved NodeId) → its store key. */
  readonly aliases: ReadonlyMap<string, string>;
}

export function buildAddressSpace(addressSpace: AddressSpace, context: BuildContext): BuiltAddressSpace {
  for (const uri of plannedNamespaces(context.config)) {
    if (addressSpace.getNamespaceIndex(uri) < 0) addressSpace.registerNamespace(uri);
  }
  const namespaces = addressSpace.getNamespaceArray().map((ns) => ns.namespaceUri);
  const builder = new Builder(addressSpace, namespaces, context);
  for (const variable of context.config.variables) builder.addVariable(variable);
  for (const method of context.config.methods) builder.addMethod(method);
  return { namespaces, aliases: builder.aliases };
}

class Builder {
  readonly aliases = new Map<string, string>();
  private readonly objectsByPath = new Map<string, UAObject>();
  private readonly objectsById = new Map<string, UAObject>();

  constructor(
    private readonly addressSpace: AddressSpace,
    private readonly namespaces: NamespaceTable,
    private readonly context: BuildContext,
  ) {}

  private namespace(index: number): Namespace {
    if (index === 0) throw new Error('nodes cannot be added to namespace 0 (the OPC UA namespace)');
    return this.addressSpace.getNamespace(index) as Namespace;
  }

  private get objectsFolder(): UAObject {
    return this.addressSpace.rootFolder.objects as unknown as UAObject;
  }

  /** The object at a browse path from Objects, created (with its parents) when missing. */
  private objectAt(segments: readonly PathSegment[]): UAObject {
    let parent = this.objectsFolder;
    for (let depth = 1; depth <= segments.length; depth++) {
      const key = pathKey(segments.slice(0, depth));
      let object = this.objectsByPath.get(key);
      if (object === undefined) {
        const segment = segments[depth - 1] as PathSegment;
        object = this.namespace(segment.namespaceIndex).addObject({
          browseName: new QualifiedName({ namespaceIndex: segment.namespaceIndex, name: segment.name }),
          ...(depth === 1 ? { organizedBy: parent } : { componentOf: parent }),
        });
        this.objectsByPath.set(key, object);
      }
      parent = object;
    }
    return parent;
  }

  private resolve(text: string): ResolvedReference {
    return resolveReference(text, this.namespaces);
  }

  addVariable(variable: SimulatedVariable): void {
    const node = this.resolve(variable.node);
    const location = variable.path === undefined ? node : this.resolve(variable.path);
    let parent = this.objectsFolder;
    let browseName: QualifiedName;
    if (location.kind === 'path') {
      parent = this.objectAt(location.segments.slice(0, -1));
      const last = location.segments.at(-1) as PathSegment;
      browseName = new QualifiedName({ namespaceIndex: last.namespaceIndex, name: last.name });
    } else {
      browseName = new QualifiedName({ namespaceIndex: location.namespaceIndex, name: location.identifier });
    }
    const namespaceIndex = node.kind === 'nodeId' ? node.namespaceIndex : browseName.namespaceIndex;
    const key = variable.node;
    const { store, faults } = this.context;
    const stored = store.get(key);
    if (stored === undefined) throw new Error(`variable ${key} is not in the value store`);
    const dataType = DataType[variable.type];
    const arrayType = variable.array ? VariantArrayType.Array : VariantArrayType.Scalar;
    const access = variable.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead';
    const uaVariable = this.namespace(namespaceIndex).addVariable({
      ...(node.kind === 'nodeId' ? { nodeId: node.nodeId } : {}),
      browseName,
      ...(parent === this.objectsFolder ? { organizedBy: parent } : { componentOf: parent }),
      dataType: variable.type,
      valueRank: variable.array ? 1 : -1,
      ...(variable.array ? { arrayDimensions: [0] } : {}),
      accessLevel: access,
      userAccessLevel: access,
      minimumSamplingInterval: 50,
      ...(variable.description === undefined ? {} : { description: variable.description }),
      value: {
        get: () => {
          const bad = faults.badStatusFor(key, 'read');
          if (bad !== undefined) return StatusCodes[bad];
          const current = store.get(key);
          return new Variant({ dataType, arrayType, value: current?.value as unknown });
        },
        set: (written: Variant) => {
          const bad = faults.badStatusFor(key, 'write');
          if (bad !== undefined) return StatusCodes[bad];
          if (written.dataType !== dataType) return StatusCodes.BadTypeMismatch;
          store.set(key, toLoose(written.value), true);
          return StatusCodes.Good;
        },
      },
    });
    if (variable.engineeringUnits !== undefined) {
      const units = this.addressSpace.constructExtensionObject(
        new NodeId(NodeId.NodeIdType.NUMERIC, 887, 0),
        {
          namespaceUri: 'http://www.opcfoundation.org/UA/units/un/cefact',
          unitId: -1,
          displayName: { text: variable.engineeringUnits },
          description: { text: variable.engineeringUnits },
        },
      );
      this.namespace(namespaceIndex).addVariable({
        propertyOf: uaVariable,
        browseName: new QualifiedName({ namespaceIndex: 0, name: 'EngineeringUnits' }),
        dataType: 'EUInformation',
        value: { dataType: DataType.ExtensionObject, value: units },
      });
    }
    this.aliases.set(variable.node, key);
    if (variable.path !== undefined) this.aliases.set(variable.path, key);
    this.aliases.set(uaVariable.nodeId.toString(), key);
    if (location.kind === 'path') this.aliases.set(`/${pathKey(location.segments)}`, key);
  }

  private objectFor(text: string): UAObject {
    const ref = this.resolve(text);
    if (ref.kind === 'path') return this.objectAt(ref.segments);
    let object = this.objectsById.get(ref.nodeId);
    if (object === undefined) {
      object = this.namespace(ref.namespaceIndex).addObject({
        nodeId: ref.nodeId,
        browseName: new QualifiedName({ namespaceIndex: ref.namespaceIndex, name: ref.identifier }),
        organizedBy: this.objectsFolder,
      });
      this.objectsById.set(ref.nodeId, object);
    }
    return object;
  }

  addMethod(method: SimulatedMethod): void {
    const parent = this.objectFor(method.object);
    const ref = this.resolve(method.method);
    const browseName =
      ref.kind === 'path'
        ? new QualifiedName({
            namespaceIndex: (ref.segments.at(-1) as PathSegment).namespaceIndex,
            name: (ref.segments.at(-1) as PathSegment).name,
          })
        : new QualifiedName({ namespaceIndex: ref.namespaceIndex, name: ref.identifier });
    const outputs = method.outputs ?? (method.behaviour.kind === 'echo' ? method.inputs : []);
    const argument = (a: { name: string; type: string }) => ({
      name: a.name,
      dataType: DataType[a.type as keyof typeof DataType],
      valueRank: -1,
    });
    const uaMethod = this.namespace(
      ref.kind === 'nodeId' ? ref.namespaceIndex : browseName.namespaceIndex,
    ).addMethod(parent, {
      ...(ref.kind === 'nodeId' ? { nodeId: ref.nodeId } : {}),
      browseName,
      inputArguments: method.inputs.map(argument),
      outputArguments: outputs.map(argument),
    });
    const { store, onCall } = this.context;
    const targetKey =
      method.behaviour.kind === 'set' || method.behaviour.kind === 'reset'
        ? this.variableKey(method.behaviour.target)
        : undefined;
    const behaviour = method.behaviour;
    uaMethod.bindMethod(async (inputArguments: Variant[], _context: unknown) => {
      const inputs = inputArguments.map((v) => v.value as unknown);
      onCall({ method: method.method, inputs });
      if (behaviour.kind === 'set' && targetKey !== undefined) {
        const first = inputArguments[0];
        if (first === undefined) return { statusCode: StatusCodes.BadArgumentsMissing };
        store.set(targetKey, toLoose(first.value), true);
      } else if (behaviour.kind === 'reset' && targetKey !== undefined) {
        store.reset(targetKey, behaviour.value as LooseScalar | LooseScalar[] | undefined);
      }
      const outputArguments = outputs.map(
        (o, i) =>
          new Variant({
            dataType: DataType[o.type],
            value: behaviour.kind === 'echo' ? inputArguments[i]?.value : undefined,
          }),
      );
      return { statusCode: StatusCodes.Good, outputArguments };
    });
  }

  /** The store key of a variable named by any of its texts. */
  variableKey(text: string): string {
    const key = this.aliases.get(text);
    if (key !== undefined) return key;
    const ref = this.resolve(text);
    const alias = this.aliases.get(ref.kind === 'path' ? `/${pathKey(ref.segments)}` : ref.nodeId);
    if (alias === undefined) throw new Error(`${text} names no simulated variable`);
    return alias;
  }
}

function toLoose(value: unknown): LooseScalar | LooseScalar[] {
  if (ArrayBuffer.isView(value) && !Buffer.isBuffer(value))
    return Array.from(value as unknown as ArrayLike<number>);
  return value as LooseScalar | LooseScalar[];
}
