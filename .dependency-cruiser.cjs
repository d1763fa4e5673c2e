/**
 * The dependency rules of the workspace, checked by `npm test` (`npm run check:deps`).
 * docs/architecture.md draws the same picture; change both together.
 *
 * Layers, bottom up (an arrow points at what a package may import):
 *
 *   errors  <-  kit  <-  lwm2m-core  <-  lwm2m-client, lwm2m-server
 *                 ^-----  coap  <--------'
 *                          ^---  transport-node (the only sockets)
 *   sdk  <-  adapters/*, mapping;   host = composition root (imports transport-node, loads adapters by name)
 *   gateway-server = composition root of the server side (lwm2m-server + transport-node + HTTP)
 */

const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

/** The files other packages may import: the `source` of every entry in each package's `exports` map. */
const entryFiles = ['packages', 'adapters', 'examples'].flatMap((group) =>
  readdirSync(join(__dirname, group))
    .filter((dir) => existsSync(join(__dirname, group, dir, 'package.json')))
    .flatMap((dir) => {
      const manifest = JSON.parse(readFileSync(join(__dirname, group, dir, 'package.json'), 'utf8'));
      return Object.values(manifest.exports ?? {})
        .map((target) => (typeof target === 'object' && target !== null ? target.source : undefined))
        .filter((source) => typeof source === 'string')
        .map((source) => `^${group}/${dir}/${source.replace(/^\.\//, '').replaceAll('.', '\\.')}$`);
    }),
);

/** What each workspace package may import of the others (besides itself and third-party packages). */
const allowed = {
  errors: [],
  kit: ['errors'],
  'lwm2m-core': ['errors', 'kit'],
  coap: ['errors', 'kit'],
  'lwm2m-client': ['errors', 'kit', 'lwm2m-core', 'coap'],
  'lwm2m-server': ['errors', 'kit', 'lwm2m-core', 'coap'],
  'transport-node': ['errors', 'kit', 'coap'],
  sdk: ['errors', 'kit'],
  mapping: ['errors', 'kit', 'lwm2m-core', 'sdk'],
  'gateway-server': ['errors', 'kit', 'lwm2m-core', 'coap', 'lwm2m-server', 'transport-node'],
  host: [
    'errors',
    'kit',
    'lwm2m-core',
    'coap',
    'lwm2m-client',
    'lwm2m-server',
    'gateway-server',
    'transport-node',
    'sdk',
    'mapping',
  ],
};
const workspacePackages = Object.keys(allowed);
const packageDir = (name) => `packages/${name}/`;

/** One rule per package: nothing from the workspace outside its allowed list. */
const layerRules = workspacePackages.map((name) => {
  const permitted = [name, ...allowed[name]];
  return {
    name: `layer-${name}`,
    severity: 'error',
    comment: `packages/${name} may import only ${allowed[name].join(', ') || 'no other workspace package'}`,
    from: { path: `^${packageDir(name)}src/` },
    to: {
      path: '^(packages|adapters|examples)/',
      pathNot: permitted.map((p) => `^${packageDir(p)}src/`),
    },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles, within a package or across packages',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'adapters-import-only-the-sdk',
      severity: 'error',
      comment:
        'an adapter is an npm package on the SDK: it imports @lwm2m-adapters/sdk, errors and kit, nothing else of ours',
      from: { path: '^(adapters|examples)/([^/]+)/src/' },
      to: {
        path: '^(packages|adapters|examples)/',
        pathNot: ['^packages/(sdk|errors|kit)/src/', '^$1/$2/src/'],
      },
    },
    {
      name: 'no-package-imports-an-adapter',
      severity: 'error',
      comment: 'the host and the mapping compiler load adapters by name at run time; nothing imports one',
      from: { path: '^packages/' },
      to: { path: '^(adapters|examples)/' },
    },
    {
      name: 'entry-points-only',
      severity: 'error',
      comment:
        'another package is imported through its entry point (package name or a subpath export), never into its files',
      from: { path: '^(packages|adapters|examples)/([^/]+)/src/' },
      to: {
        path: '^(packages|adapters|examples)/[^/]+/src/',
        pathNot: ['^$1/$2/src/', ...entryFiles],
      },
    },
    {
      name: 'sockets-only-in-transports',
      severity: 'error',
      comment:
        'datagram sockets and DTLS live in transport-node; the engines stay socket-free and testable with a fake clock',
      from: { path: '^packages/', pathNot: '^packages/(transport-node|host|gateway-server)/' },
      to: {
        path: '^(dgram|net|tls|dns|node-dtls-client)$|node_modules/node-dtls-client/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'kafka-only-in-gateway-server',
      severity: 'error',
      comment: "kafkajs is the gateway server bridge's client (src/kafka/); nothing else talks to Kafka",
      from: { path: '^(packages|adapters|examples)/', pathNot: '^packages/gateway-server/src/kafka/' },
      to: { path: '^kafkajs$|node_modules/kafkajs/' },
    },
    {
      name: 'engines-do-no-io',
      severity: 'error',
      comment: 'kit, coap and the LwM2M engines touch no file, socket or HTTP server',
      from: { path: '^packages/(kit|coap|lwm2m-client|lwm2m-server)/src/' },
      to: { path: '^(dgram|net|tls|dns|http|https|fs|child_process)$|^(fs|dns)/promises$' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^(packages|adapters|examples)/[^/]+/src/' },
      to: { path: '^(packages|adapters|examples)/[^/]+/test/|^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    parser: 'swc',
    combinedDependencies: false,
    enhancedResolveOptions: {
      conditionNames: ['source', 'import', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.js', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
