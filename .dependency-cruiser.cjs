/** Architecture rules checked by `npm run lint:deps`. */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The folders of `src/`, lowest first. A folder may import its own files and any folder before it
 * in this list, never one after it: data flows one way, configuration → connection → source →
 * pipeline → processor → destination + ledger, and the runs (batch, live, the service) sit on top.
 * A folder listed here that does not exist (yet) is left out, so the rules name only real folders;
 * a folder that exists but is not listed fails `src-folder-has-a-layer`.
 */
const LAYERS = [
  'errors', // error classes and failure kinds: imports nothing of ours
  'fs', // atomic file writes, directories
  'observe', // logs, redaction
  'config', // schema, load and resolve
  'core', // object types, filters, backoff and sleep
  'aws', // clients, credentials, error classification
  'state', // the ledger
  'processors', // what is done to one object's bytes
  'sources', // bucket listing, queue consumer, event parsing
  'pipeline', // one object: claim, read, process with retries, write, record
  'batch', // the batch run: plan, run, report, progress
  'live', // the live run: queue wiring, message handling, backfill (a batch inside live)
  'onboarding', // policies, renderers, apply, lint, verify
  'service', // `run`: supervisor of batch and live connections
  'demo', // the whole story on the sandbox
  'cli', // commands
].filter((layer) => existsSync(join(__dirname, 'src', layer)));

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `one-way-data-flow-${layer}`,
  comment: `src/${layer}/ may import only ${LAYERS.slice(0, index).join(', ') || 'nothing of src/'}: never a higher layer.`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(index + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'src-never-imports-sandbox',
      comment: 'Production code must not know whether it talks to AWS or to the sandbox.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^sandbox/' },
    },
    {
      name: 'sandbox-never-imports-src',
      comment: 'The sandbox is a stand-in for AWS: it shares no code with the product it tests.',
      severity: 'error',
      from: { path: '^sandbox/' },
      to: { path: '^src/' },
    },
    ...layerRules,
    {
      name: 'src-folder-has-a-layer',
      comment:
        'Every folder of src/ has a place in LAYERS (.dependency-cruiser.cjs), so the one-way rules cover it.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/(${LAYERS.join('|')})/` },
      to: {},
    },
    { name: 'not-to-test', severity: 'error', from: { pathNot: '^test/' }, to: { path: '^test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
