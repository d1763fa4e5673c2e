export * from './codec/codec-types.js';
export * from './codec/content-format.js';
export * from './model/node.js';
export * from './model/path.js';
export * from './model/resource-type.js';
export * from './model/value.js';
export * from './registry/object-definition.js';
