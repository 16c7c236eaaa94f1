/**
 * The layer rules (architecture.md, structure-2026-12.md §1), checked by dependency-cruiser:
 * `npm run lint:layers`. It resolves every import to a file, sees `import type` and imports that
 * vanish on compilation (`tsPreCompilationDeps: 'specify'`), and reports cycles with their path —
 * which ESLint's import plugins do per file and more slowly.
 *
 * "At runtime" below means: not `import type`, and not an import TypeScript erases because only
 * types are used from it. Types may cross layers; running code may not.
 */

// Packages are matched as `(?:^|/)node_modules/…`, not `^node_modules/…`: where node_modules is a
// symlink (a worktree sharing another checkout's install) dependency-cruiser resolves a package to
// `../../elsewhere/node_modules/…`, and an anchored pattern then silently matched nothing.

/** Dependency types that do not exist at runtime. */
const TYPE_ONLY = ['type-only', 'pre-compilation-only']

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment: 'A runtime import cycle makes load order matter. Type-only cycles are harmless.',
      from: {},
      to: {circular: true, viaOnly: {dependencyTypesNot: TYPE_ONLY}},
    },
    {
      name: 'chain-client-only-in-adapter',
      severity: 'error',
      comment:
        'Only the Akash adapter (src/market/akash) and the emulator (src/devnet) speak to the chain: ' +
        'chain-sdk and cosmjs stay behind the Market port (AEP-79: the chain may change). Type imports too. ' +
        "@cosmjs/encoding (bech32, hex, base64; no chain access) is allowed: importing its @scure/base directly " +
        "instead races with cosmjs' own require() of that ESM package when oclif loads commands in parallel " +
        '(ERR_INTERNAL_ASSERTION in `oclif manifest`).',
      from: {path: '^src/', pathNot: ['^src/market/akash/', '^src/devnet/']},
      to: {path: '(?:^|/)node_modules/(?:@akashnetwork/chain-sdk/|@cosmjs/|cosmjs-types/)', pathNot: ['provider\\.akash', '(?:^|/)node_modules/@cosmjs/encoding/']},
    },
    {
      name: 'provider-api-protos-only-in-provider',
      severity: 'error',
      comment:
        "chain-sdk also ships the provider's own gRPC API (provider.akash.*): the provider's status " +
        'server serves it. That is not chain access, so it is allowed there (gRPC, REST gateway, the screening answer of the bid engine) ' +
        'and in the client of that API (src/provider-client: the tenant side of bid screening) only.',
      from: {path: '^src/', pathNot: ['^src/market/akash/', '^src/devnet/', '^src/provider/', '^src/provider-client/']},
      to: {path: '(?:^|/)node_modules/@akashnetwork/chain-sdk/.*provider\\.akash'},
    },
    {
      name: 'adapter-behind-port',
      severity: 'error',
      comment: 'Outside src/market, code reaches the chain through the Market port (market/index.ts, market.ts), not the adapter.',
      from: {path: '^src/', pathNot: ['^src/market/']},
      to: {path: '^src/market/akash/'},
    },
    {
      name: 'services-not-ui',
      severity: 'error',
      comment: 'Services return values and events; commands choose the view. Types may cross, code may not.',
      from: {path: '^src/services/'},
      to: {path: '^src/ui/', dependencyTypesNot: TYPE_ONLY},
    },
    {
      name: 'ui-not-services',
      severity: 'error',
      comment: 'Views render the values services give them; loading a service to format a row drags the whole flow in.',
      from: {path: '^src/ui/'},
      to: {path: '^src/services/', dependencyTypesNot: TYPE_ONLY},
    },
    {
      name: 'commands-use-services',
      severity: 'error',
      comment:
        "Commands parse, call a service and present its result; the provider's, the provider client's " +
        "and the emulator's internals are the services' business.",
      from: {path: '^src/commands/'},
      to: {path: '^src/(?:provider|provider-client|devnet|market/akash)/', dependencyTypesNot: TYPE_ONLY},
    },
    {
      name: 'services-not-provider-internals',
      severity: 'error',
      comment:
        "Services may use the provider's config, state and capacity readers (provide status/start), but not its chain client.",
      from: {path: '^src/services/'},
      to: {path: '^src/provider/chain/', dependencyTypesNot: TYPE_ONLY},
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file: a rule cannot judge what it cannot see.',
      from: {},
      to: {couldNotResolve: true},
    },
    {
      name: 'test-levels-apart',
      severity: 'error',
      comment:
        "Each test level (unit, component, commands, system, conformance) keeps its helpers; shared ones live in test/helpers.",
      from: {path: '^test/(unit|component|commands|system|conformance)/'},
      to: {path: '^test/(unit|component|commands|system|conformance)/', pathNot: '^test/$1/'},
    },
  ],
  options: {
    doNotFollow: {path: ['node_modules']},
    exclude: {path: ['^dist/', '^node_modules/\\.vite']},
    tsPreCompilationDeps: 'specify',
    tsConfig: {fileName: 'tsconfig.lint.json'},
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
}
