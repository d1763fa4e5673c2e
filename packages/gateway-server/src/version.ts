/** The version this build reports on /healthz and in the CLI's --version. */
export const GATEWAY_SERVER_VERSION = '0.1.0';
