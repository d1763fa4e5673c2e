import { CodedError } from '@lwm2m-adapters/errors';
import { ListenerSet } from '@lwm2m-adapters/kit';
import {
  assertValidPrefix,
  type LwM2mCodecsOptions,
  type LwM2mNode,
  LwM2mPath,
  type ObjectModel,
  type PathNode,
} from '@lwm2m-adapters/lwm2m-core';
import type { ObservedData } from '../observe/observation-manager.js';
import { fail } from '../operations/request-failure.js';
import { iotDeviceObjectsLinks } from '../registration/registration-links.js';
import { ClientObjectTree, type TreeStructureChange } from './client-object-tree.js';
import { idEntries, type ObjectDeclaration } from './resource-declaration.js';

/** LwM2M Gateway object id and the version the engine implements (Gateway TS 1.1). */
export const GATEWAY_OBJECT_ID = 25;
export const GATEWAY_OBJECT_VERSION = '2.0';

export interface EndDeviceOptions {
  /** /25/x/0: identifies the device; a URN is recommended (`urn:dev:modbus:plc7`). */
  readonly deviceId: string;
  /** /25/x/1: the path prefix servers use (`dev0`); non-numeric, unique in the gateway. */
  readonly prefix: string;
  /** The device's objects (include a /3 Device: see `deviceInstance`). More can be added to `objects` later. */
  readonly objects?: Readonly<Record<number, ObjectDeclaration>> | ReadonlyMap<number, ObjectDeclaration>;
}

export interface EndDevice {
  readonly deviceId: string;
  readonly prefix: string;
  /** The device's object tree; paths in it carry the prefix. */
  readonly objects: ClientObjectTree;
  /** The /25 instance that represents the device. */
  readonly gatewayInstanceId: number;
}

/** A structure change anywhere in the client, or an end device that came or went. */
export type DataModelChange =
  | TreeStructureChange
  | { readonly kind: 'device-added' | 'device-removed'; readonly path: LwM2mPath; readonly prefix: string };

export interface ClientDataModelOptions {
  readonly model: ObjectModel;
  readonly codecOptions?: LwM2mCodecsOptions | undefined;
  /** Declare /25 and accept end devices. */
  readonly gateway: boolean;
  readonly onListenerError?: ((error: unknown) => void) | undefined;
}

interface DeviceEntry extends EndDevice {
  readonly unsubscribe: () => void;
}

/**
 * Every object tree the client serves: its own (`root`) and, as a gateway, one per end device
 * under its prefix, each represented by a /25 instance. Paths are routed by prefix; an unknown
 * prefix is 4.04.
 */
export class ClientDataModel implements ObservedData {
  readonly root: ClientObjectTree;
  readonly gateway: boolean;
  readonly #options: ClientDataModelOptions;
  readonly #devices = new Map<string, DeviceEntry>();
  readonly #changes: ListenerSet<LwM2mPath>;
  readonly #structure: ListenerSet<DataModelChange>;

  constructor(options: ClientDataModelOptions) {
    this.#options = options;
    this.gateway = options.gateway;
    this.#changes = new ListenerSet(options.onListenerError);
    this.#structure = new ListenerSet(options.onListenerError);
    this.root = new ClientObjectTree({
      model: options.model,
      codecOptions: options.codecOptions,
      onListenerError: options.onListenerError,
    });
    this.root.onChange((path) => this.#changes.emit(path));
    this.root.onStructureChange((change) => this.#structure.emit(change));
    if (options.gateway) this.root.defineObject(GATEWAY_OBJECT_ID, { version: GATEWAY_OBJECT_VERSION });
  }

  /** Every value change, any tree (paths with prefix). */
  onChange(listener: (path: LwM2mPath) => void): () => void {
    return this.#changes.add(listener);
  }

  onStructureChange(listener: (change: DataModelChange) => void): () => void {
    return this.#structure.add(listener);
  }

  /** The tree a path belongs to; 4.04 for an unknown prefix. */
  treeOf(path: LwM2mPath): ClientObjectTree {
    if (path.prefix === undefined) return this.root;
    const device = this.#devices.get(path.prefix);
    if (device === undefined) throw fail.notFound(`no end device has the prefix ${path.prefix}`);
    return device.objects;
  }

  /** The tree of the end device with this prefix (no copy of its entry: the per-change path). */
  endDeviceObjects(prefix: string): ClientObjectTree | undefined {
    return this.#devices.get(prefix)?.objects;
  }

  endDevice(prefix: string): EndDevice | undefined {
    const entry = this.#devices.get(prefix);
    return entry === undefined ? undefined : publicDevice(entry);
  }

  endDevices(): EndDevice[] {
    return [...this.#devices.values()].map(publicDevice);
  }

  /**
   * Adds an end device: its tree under `prefix` and a /25 instance (Device ID, Prefix, IoT Device
   * Objects). Throws CONFIG_INVALID when the client is no gateway or the prefix or id is taken.
   */
  addEndDevice(options: EndDeviceOptions): EndDevice {
    if (!this.gateway)
      throw new CodedError('CONFIG_INVALID', 'end devices need a client created with gateway: true');
    const { deviceId, prefix } = options;
    assertValidPrefix(prefix);
    if (typeof deviceId !== 'string' || deviceId.length === 0 || deviceId.length > 255) {
      throw new CodedError('CONFIG_INVALID', 'an end device needs a device id of 1..255 characters');
    }
    if (this.#devices.has(prefix)) {
      throw new CodedError('CONFIG_INVALID', `prefix ${prefix} is already used by another end device`, {
        details: { prefix },
      });
    }
    if ([...this.#devices.values()].some((d) => d.deviceId === deviceId)) {
      throw new CodedError('CONFIG_INVALID', `device id ${deviceId} is already used`, {
        details: { deviceId },
      });
    }
    const tree = new ClientObjectTree({
      model: this.#options.model,
      prefix,
      codecOptions: this.#options.codecOptions,
      onListenerError: this.#options.onListenerError,
    });
    for (const [objectId, declaration] of idEntries(options.objects ?? {}, 'object')) {
      tree.defineObject(objectId, declaration);
    }
    const gatewayInstanceId = this.root.addInstance(GATEWAY_OBJECT_ID, {
      0: deviceId,
      1: prefix,
      3: { read: () => iotDeviceObjectsLinks(tree) },
    });
    const linksPath = new LwM2mPath({
      objectId: GATEWAY_OBJECT_ID,
      instanceId: gatewayInstanceId,
      resourceId: 3,
    });
    const unsubscribe = [
      tree.onChange((path) => this.#changes.emit(path)),
      tree.onStructureChange((change) => {
        this.#structure.emit(change);
        // The device's object list is /25/x/3: its observers learn about the change.
        this.root.changed(linksPath);
      }),
    ];
    const entry: DeviceEntry = {
      deviceId,
      prefix,
      objects: tree,
      gatewayInstanceId,
      unsubscribe: () => {
        for (const u of unsubscribe) u();
      },
    };
    this.#devices.set(prefix, entry);
    this.#structure.emit({ kind: 'device-added', path: new LwM2mPath({ prefix }), prefix });
    return publicDevice(entry);
  }

  /** Removes an end device and its /25 instance; false when the prefix is unknown. */
  removeEndDevice(prefix: string): boolean {
    const entry = this.#devices.get(prefix);
    if (entry === undefined) return false;
    this.#devices.delete(prefix);
    entry.unsubscribe();
    this.root.removeInstance(GATEWAY_OBJECT_ID, entry.gatewayInstanceId);
    this.#structure.emit({ kind: 'device-removed', path: new LwM2mPath({ prefix }), prefix });
    return true;
  }

  // ---- ObservedData ----

  async read(path: LwM2mPath): Promise<LwM2mNode> {
    return this.treeOf(path).read(path);
  }

  encode(path: LwM2mPath, node: LwM2mNode, contentFormat: number): Uint8Array {
    return this.treeOf(path).codecs.encode(node, path, contentFormat);
  }

  /** Multi-path payloads (composites, Send) are encoded with the client's own model. */
  encodeNodes(nodes: readonly PathNode[], contentFormat: number): Uint8Array {
    return this.root.codecs.encodeNodes(nodes, contentFormat);
  }
}

function publicDevice(entry: DeviceEntry): EndDevice {
  return {
    deviceId: entry.deviceId,
    prefix: entry.prefix,
    objects: entry.objects,
    gatewayInstanceId: entry.gatewayInstanceId,
  };
}
