#!/usr/bin/env node
// engines.node, said plainly (older Nodes would fail below in less helpful ways).
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`edge needs Node.js 22.18 or newer; this is ${process.version}.\nHint: npm install -g --prefix /usr/local node@22 (see the README).\n`)
  process.exit(1)
}

// Node built-ins come from process.getBuiltinModule: an ESM import of one builds a facade of all
// its exports first, which costs start-up time the two fast answers below are measured on.
const args = process.argv.slice(2)

if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // `edge --version` is answered before oclif loads: it is the command CI scripts run most,
  // and the startup benchmark holds it to 3x bare Node.
  const {readFileSync} = process.getBuiltinModule('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // `edge --help` as the build rendered it, when oclif would print the same (see bin/help.js).
  const help = args.length === 1 && (args[0] === '--help' || args[0] === 'help') ? (await import('./help.js')).prerenderedHelp(args, process.env, process.stdout) : undefined
  if (help !== undefined) {
    process.stdout.write(help)
  } else {
    enableCompileCache(process.env)
    // oclif's own Node version check loads all of semver (122 modules) at import; the check above
    // is the one that applies.
    process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
    const {execute} = await import('@oclif/core')
    await execute({dir: import.meta.url})
  }
}

// Node's module compile cache: V8 code for every module edge loads (oclif, the chain-sdk bundle,
// cosmjs, React) is kept in the edge cache dir, so later runs skip parsing and compiling it.
// EDGE_COMPILE_CACHE names another directory, or turns it off with 0; Node's own
// NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE still apply. A directory that cannot be
// written only costs the cache: edge runs as before.
function enableCompileCache(env) {
  const module = process.getBuiltinModule('node:module')
  const setting = env.EDGE_COMPILE_CACHE
  if (setting === '0' || setting === 'off' || typeof module.enableCompileCache !== 'function') return
  const {homedir} = process.getBuiltinModule('node:os')
  const {join} = process.getBuiltinModule('node:path')
  const {statSync, writeFileSync} = process.getBuiltinModule('node:fs')
  // The same rule as cacheDir() in src/config/paths.ts.
  const dir = setting || join(env.EDGE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'edge'), 'compile-cache')
  try {
    // The tag (which also tells backup tools to skip the directory) is written once; writing it is
    // what proves the directory usable. Node's own recursive mkdir is never asked to create it: on
    // a file system that answers ENOENT for a parent that exists (procfs), it loops forever.
    if (!statSync(join(dir, 'CACHEDIR.TAG'), {throwIfNoEntry: false})) {
      makeDir(dir)
      writeFileSync(join(dir, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# Node.js module compile cache of edge (safe to delete).\n')
    }
    module.enableCompileCache(dir)
  } catch {
    // No cache: slower start-up, nothing else.
  }
}

/** mkdir -p that gives up instead of retrying (see above). */
function makeDir(dir, depth = 0) {
  const {mkdirSync} = process.getBuiltinModule('node:fs')
  const {dirname} = process.getBuiltinModule('node:path')
  try {
    mkdirSync(dir)
  } catch (error) {
    if (error.code === 'EEXIST') return
    if (error.code !== 'ENOENT' || depth > 32 || dirname(dir) === dir) throw error
    makeDir(dirname(dir), depth + 1)
    mkdirSync(dir)
  }
}
