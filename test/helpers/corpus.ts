import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'

/**
 * The shared corpus (real SDLs, Akash's test vectors), read-only. It sits beside the checkout
 * (`../shared/corpus`); EDGE_CORPUS_DIR points elsewhere.
 */
function findCorpus(): string {
  const candidates = [
    process.env.EDGE_CORPUS_DIR,
    resolve(import.meta.dirname, '../../../shared/corpus'),
    '/work/shared/corpus',
  ].filter((c): c is string => Boolean(c))
  const found = candidates.find((c) => existsSync(join(c, 'akash-vectors')))
  if (!found) throw new Error(`The test corpus is missing (looked in ${candidates.join(', ')}); set EDGE_CORPUS_DIR.`)
  return found
}

export const CORPUS = findCorpus()
export const JWT_VECTORS = join(CORPUS, 'akash-vectors/testdata/jwt')
/** Real SEV-SNP, TDX and NVIDIA GPU evidence with EXPECTED.json (see its README.md). */
export const ATTESTATION = join(CORPUS, 'attestation')
