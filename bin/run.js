#!/usr/bin/env node
import {mkdirSync, statSync, writeFileSync} from 'node:fs'
import module from 'node:module'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

// Node's module compile cache: V8 code for every module edge loads (oclif, the chain-sdk bundle,
// cosmjs, React) is kept in the edge cache dir, so later runs skip parsing and compiling it.
// EDGE_COMPILE_CACHE names another directory, or turns it off with 0; Node's own
// NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE still apply. A directory that cannot be
// written only costs the cache: edge runs as before.
enableCompileCache(process.env)

// `edge --version` is answered before oclif loads: it is the command CI scripts run most,
// and the startup benchmark holds it to 3x bare Node.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // `edge --help` as the build rendered it, when oclif would print the same (see bin/help.js).
  const help = (await import('./help.js')).prerenderedHelp(process.argv.slice(2), process.env, process.stdout)
  if (help !== undefined) {
    process.stdout.write(help)
  } else {
    const {execute} = await import('@oclif/core')
    await execute({dir: import.meta.url})
  }
}

function enableCompileCache(env) {
  const setting = env.EDGE_COMPILE_CACHE
  if (setting === '0' || setting === 'off' || typeof module.enableCompileCache !== 'function') return
  // The same rule as cacheDir() in src/config/paths.ts.
  const dir = setting || join(env.EDGE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'edge'), 'compile-cache')
  try {
    // The tag (which also tells backup tools to skip the directory) is written once; writing it is
    // what proves the directory usable. Node's own recursive mkdir is never asked to create it: on
    // a file system that answers ENOENT for a parent that exists (procfs), it loops forever.
    if (!exists(join(dir, 'CACHEDIR.TAG'))) {
      makeDir(dir)
      writeFileSync(join(dir, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# Node.js module compile cache of edge (safe to delete).\n')
    }
    module.enableCompileCache(dir)
  } catch {
    // No cache: slower start-up, nothing else.
  }
}

function exists(path) {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

/** mkdir -p that gives up instead of retrying (see above). */
function makeDir(dir, depth = 0) {
  try {
    mkdirSync(dir)
  } catch (error) {
    if (error.code === 'EEXIST') return
    if (error.code !== 'ENOENT' || depth > 32 || dirname(dir) === dir) throw error
    makeDir(dirname(dir), depth + 1)
    mkdirSync(dir)
  }
}
