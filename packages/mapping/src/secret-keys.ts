/** What replaces a secret value in printed and logged output. */
export const REDACTED = '[redacted]';

/** Key and variable names that hold secrets whatever the adapter says. */
const SECRET_NAME_RE = /password|secret|token|key/i;

/** Whether a connection key or an environment variable name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME_RE.test(name);
}

/** Whether a connection key is secret: named by the adapter, or looking like one. */
export function isSecretConnectionKey(key: string, adapterSecretKeys: readonly string[]): boolean {
  return adapterSecretKeys.includes(key) || isSecretName(key);
}
