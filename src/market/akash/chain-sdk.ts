import {existsSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {Module, createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'

import {cacheDir} from '../../config/paths.js'

export type ChainSdk = typeof import('@akashnetwork/chain-sdk')

// chain-sdk's entry point loads about 550 modules (≈400 ms on a 2-core machine), most of it module
// resolution. `npm run build` bundles it into one CommonJS file, which loads in a fraction of that.
// It is not imported: as ESM its `import … from 'node:http'` makes Node build an ESM facade of
// node:http, whose getters load undici (≈25 ms), and an import() of a CommonJS file would scan all
// 3 MB for its exports. From src/ (unit tests) there is no bundle and the package itself is loaded.
const BUNDLE = new URL('../../vendor/chain-sdk.cjs', import.meta.url)

let loading: Promise<ChainSdk> | undefined

export function loadChainSdk(): Promise<ChainSdk> {
  loading ??= existsSync(BUNDLE) ? Promise.resolve().then(() => loadBundle(fileURLToPath(BUNDLE), process.env)) : import('@akashnetwork/chain-sdk')
  return loading
}

/**
 * Runs the bundle as `require` would, with V8 code made after it ran. Node's compile cache (see
 * bin/run.js) keeps only the code compiled before a module runs; for this bundle, whose thousands
 * of module functions all run at load, that saved a third of the ≈150 ms, and code cached after
 * the run saves two thirds. The cache is one file per Node version in the edge cache dir, written
 * when missing or refused (V8 refuses data made from other source or by another V8); without it,
 * or with EDGE_COMPILE_CACHE=0, this is a plain require.
 */
function loadBundle(file: string, env: NodeJS.ProcessEnv): ChainSdk {
  const dir = compileCacheDir(env)
  const cacheFile = dir && join(dir, `chain-sdk-${process.version}-${process.arch}.v8`)
  if (!cacheFile) return createRequire(import.meta.url)(file) as ChainSdk
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    // none yet
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), {filename: file, ...(cachedData ? {cachedData} : {})})
  const module = {exports: {}}
  ;(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file))
  if (!cachedData || script.cachedDataRejected) saveCache(cacheFile, script.createCachedData())
  return module.exports as ChainSdk
}

/**
 * The directory bin/run.js gave Node's compile cache, when it proved it usable (by writing its
 * CACHEDIR.TAG); nothing is created here.
 */
function compileCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.EDGE_COMPILE_CACHE
  if (setting === '0' || setting === 'off') return undefined
  const dir = setting || join(cacheDir(env), 'compile-cache')
  return existsSync(join(dir, 'CACHEDIR.TAG')) ? dir : undefined
}

/** Written beside and renamed into place, so a concurrent edge never reads half a file; errors only cost the cache. */
function saveCache(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, data)
    renameSync(temporary, file)
  } catch {
    rmSync(temporary, {force: true})
  }
}
