/**
 * Every route the HTTP API serves, as OpenAPI path templates. `{path}` spans LwM2M path segments
 * (`3303/0/5700`, `dev0/3303/0/5700` for a client, never a prefix for a device); an operation
 * follows the path after a colon, and on the root stands alone (`/:read-composite`). The
 * openapi.json test checks this list against the document.
 */
export const API_ROUTES = [
  { method: 'GET', path: '/api/clients' },
  { method: 'GET', path: '/api/clients/{endpoint}' },
  { method: 'GET', path: '/api/devices' },
  { method: 'GET', path: '/api/devices/{deviceId}' },
  { method: 'GET', path: '/api/observations' },
  { method: 'GET', path: '/api/events' },
  { method: 'GET', path: '/api/objects' },
  { method: 'GET', path: '/api/objects/{objectId}' },
  { method: 'GET', path: '/api/openapi.json' },
  ...(['clients/{endpoint}', 'devices/{deviceId}'] as const).flatMap((target) => [
    { method: 'GET', path: `/api/${target}/{path}` },
    { method: 'PUT', path: `/api/${target}/{path}` },
    { method: 'PATCH', path: `/api/${target}/{path}` },
    { method: 'POST', path: `/api/${target}/{path}` },
    { method: 'POST', path: `/api/${target}/{path}:execute` },
    { method: 'PUT', path: `/api/${target}/{path}:attributes` },
    { method: 'POST', path: `/api/${target}/{path}:observe` },
    { method: 'DELETE', path: `/api/${target}/{path}:observe` },
    { method: 'DELETE', path: `/api/${target}/{path}` },
    { method: 'GET', path: `/api/${target}/{path}:discover` },
    { method: 'POST', path: `/api/${target}/:read-composite` },
    { method: 'POST', path: `/api/${target}/:write-composite` },
    { method: 'POST', path: `/api/${target}/:observe-composite` },
    { method: 'DELETE', path: `/api/${target}/:observe-composite` },
  ]),
] as const;

export type ApiRoute = (typeof API_ROUTES)[number];
export type ApiRoutePath = ApiRoute['path'];
