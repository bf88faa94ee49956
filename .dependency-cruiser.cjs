/** Architecture rules checked by `npm run lint:deps`. */
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
    {
      name: 'one-way-data-flow',
      comment:
        'config -> aws -> sources -> pipeline -> processors -> state; lower layers never import higher ones.',
      severity: 'error',
      from: { path: '^src/(config|aws|observe|errors)/' },
      to: { path: '^src/(cli|onboarding|sources|pipeline|processors|state|live|batch)/' },
    },
    {
      name: 'processors-do-not-drive-the-pipeline',
      severity: 'error',
      from: { path: '^src/(processors|state)/' },
      to: { path: '^src/(cli|sources|pipeline|live|batch)/' },
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
