export {
  type ConformanceFixture,
  type ConformanceOptions,
  describeAdapterConformance,
} from './conformance.js';
