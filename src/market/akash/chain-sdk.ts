import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

export type ChainSdk = typeof import('@akashnetwork/chain-sdk')

// chain-sdk's entry point loads about 550 modules (≈400 ms on a 2-core machine), most of it module
// resolution. `npm run build` bundles it into one CommonJS file, which loads in a fraction of that
// (and from Node's compile cache after the first run). It is required, not imported: as ESM its
// `import … from 'node:http'` makes Node build an ESM facade of node:http, whose getters load
// undici (≈25 ms); an import() of a CommonJS file would also scan all 3 MB for its exports. From
// src/ (unit tests) there is no bundle and the package itself is loaded.
const BUNDLE = new URL('../../vendor/chain-sdk.cjs', import.meta.url)

let loading: Promise<ChainSdk> | undefined

export function loadChainSdk(): Promise<ChainSdk> {
  loading ??= existsSync(BUNDLE) ? Promise.resolve().then(() => createRequire(import.meta.url)(fileURLToPath(BUNDLE)) as ChainSdk) : import('@akashnetwork/chain-sdk')
  return loading
}
