/**
 * `@lwm2m-adapters/lwm2m-client/engine`: the parts `LwM2mClient` is built from, for tools and tests
 * that compose their own client (most users want `LwM2mClient` from the package root).
 */
export { ClientDataModel, type ClientDataModelOptions } from './objects/client-data-model.js';
export { ClientObjectTree, type ClientObjectTreeOptions } from './objects/client-object-tree.js';
export { AttributeStore } from './observe/attribute-store.js';
export { NotificationPolicy, type NotificationPolicyOptions } from './observe/notification-policy.js';
export { parseAttributeQuery } from './observe/observation-attributes.js';
export {
  ObservationManager,
  type ObservationManagerOptions,
  type ObservationRequest,
} from './observe/observation-manager.js';
export {
  DeviceManagementHandler,
  type DeviceManagementHandlerOptions,
} from './operations/device-management-handler.js';
export { parseExecuteArguments } from './operations/execute-arguments.js';
export { announcedVersion } from './registration/object-versions.js';
export { iotDeviceObjectsLinks, registrationPayload } from './registration/registration-links.js';
export {
  RegistrationManager,
  type RegistrationManagerOptions,
  updateDelayMs,
} from './registration/registration-manager.js';
export { ServerAccount } from './registration/server-account.js';
export { SendReporter } from './send/send-reporter.js';
