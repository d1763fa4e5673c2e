export {
  type ConformanceContext,
  type ConformanceFixture,
  type ConformanceOptions,
  describeAdapterConformance,
} from './conformance.js';
