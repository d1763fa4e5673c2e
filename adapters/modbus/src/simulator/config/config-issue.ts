/** One problem in a configuration, addressed by its path in the document (the SDK's, shared by every simulator). */
export { type ConfigIssue, type ConfigPath, formatConfigPath } from '@lwm2m-adapters/sdk/simulation';
