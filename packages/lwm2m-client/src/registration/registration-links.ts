import { formatRegistrationLinks, type RegistrationObject } from '@lwm2m-adapters/lwm2m-core';
import type { ClientObjectTree } from '../objects/client-object-tree.js';
import { announcedVersion } from './object-versions.js';

/** Objects never listed in Register/Update or /25/x/3: Security and OSCORE (Core §6.2.1). */
const NEVER_LISTED = new Set([0, 21]);

/** The objects of a tree as Register lists them: ids ascending, `ver` only when not the assumed one. */
export function registrationObjects(tree: ClientObjectTree): RegistrationObject[] {
  return tree
    .objectIds()
    .filter((id) => !NEVER_LISTED.has(id))
    .map((id) => {
      const version = announcedVersion(id, tree.objectDefinition(id)?.version ?? '1.0');
      const instances = tree.instanceIds(id);
      return version === undefined ? { id, instances } : { id, version, instances };
    });
}

/**
 * Register/Update payload: root link with the content formats (one: `ct=110`; several: the quoted
 * 1.2 list `ct="110 112"`), then the client's own objects
 * (`</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</25>;ver=2.0,</25/0>`). End-device objects never
 * appear; only their /25 instances do.
 */
export function registrationPayload(tree: ClientObjectTree, contentFormats: readonly number[]): string {
  return formatRegistrationLinks({ rootPath: '/', contentFormats, objects: registrationObjects(tree) });
}

/** /25/x/3 "IoT Device Objects": an end device's objects in Register syntax, without root link. */
export function iotDeviceObjectsLinks(tree: ClientObjectTree): string {
  return formatRegistrationLinks({ objects: registrationObjects(tree) });
}
