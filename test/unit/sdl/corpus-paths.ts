import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {CORPUS} from '../../helpers/corpus.js'

/** Akash's own SDL vectors and the awesome-akash SDLs (third-party data, read-only). */
export {CORPUS}
export const VECTORS = join(CORPUS, 'akash-vectors/testdata/sdl')
export const GO_TESTDATA = join(CORPUS, 'akash-vectors/go/sdl/_testdata')
export const AWESOME = join(CORPUS, 'awesome-akash')

export function read(path: string): string {
  return readFileSync(path, 'utf8')
}

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
}

/** input/<ver>/<case>/input.yaml with its expected output-fixtures. */
export function fixtureCases(): Array<{version: string; name: string; input: string; manifest: string; groups: string}> {
  const out = []
  for (const version of ['v2.0', 'v2.1']) {
    for (const name of readdirSync(join(VECTORS, 'input', version)).sort()) {
      out.push({
        version,
        name,
        input: join(VECTORS, 'input', version, name, 'input.yaml'),
        manifest: join(VECTORS, 'output-fixtures', version, name, 'manifest.json'),
        groups: join(VECTORS, 'output-fixtures', version, name, 'group-specs.json'),
      })
    }
  }
  return out
}

/** A sentence: starts with a capital or a path, ends with a full stop. */
export const SENTENCE = /^[A-Za-z"`].*[.?!)]$/s
