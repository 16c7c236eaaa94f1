import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export type ChainSdk = typeof import('@akashnetwork/chain-sdk')

// chain-sdk's entry point loads about 550 modules (≈400 ms on a 2-core machine), most of it module
// resolution. `npm run build` bundles it into one file, which loads in about half that; from src/
// (unit tests) there is no bundle and the package itself is loaded.
const BUNDLE = new URL('../../vendor/chain-sdk.js', import.meta.url)

let loading: Promise<ChainSdk> | undefined

export function loadChainSdk(): Promise<ChainSdk> {
  loading ??= existsSync(fileURLToPath(BUNDLE)) ? (import(BUNDLE.href) as Promise<ChainSdk>) : import('@akashnetwork/chain-sdk')
  return loading
}
