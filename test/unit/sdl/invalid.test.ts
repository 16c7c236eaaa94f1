import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadSdl} from '../../../src/sdl/index.js'
import {read, SENTENCE, VECTORS, yamlFiles} from './corpus-paths.js'

const invalidDir = join(VECTORS, 'input', 'invalid')
const schemaOnlyDir = join(VECTORS, 'input', 'schema-only-invalid')

/** What each of Akash's invalid fixtures is about, so a rejection for another reason fails. */
const EXPECTED: Record<string, {code: string; path: RegExp}> = {
  'count-zero.yaml': {code: 'out-of-range', path: /^deployment\.web\.\w+\.count$/},
  'credentials-missing-host.yaml': {code: 'missing-field', path: /credentials\.host$/},
  'empty-image.yaml': {code: 'too-short', path: /^services\.web\.image$/},
  'endpoint-not-used.yaml': {code: 'endpoint-unused', path: /^endpoints\./},
  'invalid-endpoint-name.yaml': {code: 'bad-endpoint-name', path: /^endpoints\./},
  'invalid-port.yaml': {code: 'out-of-range', path: /expose\[0\]\.port$/},
  'invalid-protocol.yaml': {code: 'bad-value', path: /expose\[0\]\.proto$/},
  'ip-without-global.yaml': {code: 'ip-needs-global', path: /expose\[0\]\.to\[0\]$/},
  'missing-deployment.yaml': {code: 'missing-field', path: /^deployment$/},
  'missing-image.yaml': {code: 'missing-field', path: /^services\.web\.image$/},
  'missing-memory-size.yaml': {code: 'missing-field', path: /memory\.size$/},
  'missing-pricing.yaml': {code: 'missing-field', path: /pricing$/},
  'missing-version.yaml': {code: 'missing-field', path: /^version$/},
  'negative-cpu.yaml': {code: 'bad-cpu', path: /cpu\.units$/},
  'persistent-without-mount.yaml': {code: 'missing-field', path: /attributes\.class$/},
  'port-too-high.yaml': {code: 'out-of-range', path: /expose\[0\]\.port$/},
  'port-zero.yaml': {code: 'out-of-range', path: /expose\[0\]\.port$/},
  'ram-persistent-true.yaml': {code: 'ram-persistent', path: /attributes\.persistent$/},
  'unknown-field.yaml': {code: 'unknown-field', path: /^unknown_field$/},
  'v2.1-reclamation-bad-window.yaml': {code: 'bad-window', path: /^reclamation\.min_window$/},
  'v2.1-tee-cpu-gpu-no-gpu.yaml': {code: 'tee-needs-gpu', path: /params\.tee$/},
}

const SCHEMA_ONLY: Record<string, {code: string; path: RegExp}> = {
  'email-too-short.yaml': {code: 'too-short', path: /credentials\.email$/},
  'invalid-denom.yaml': {code: 'bad-denom', path: /pricing\.web\.denom$/},
  'invalid-gpu-vendor.yaml': {code: 'unknown-field', path: /vendor\.amd$/},
  'invalid-version.yaml': {code: 'unsupported-version', path: /^version$/},
  'password-too-short.yaml': {code: 'too-short', path: /credentials\.password$/},
  'reclamation-compound-window.yaml': {code: 'bad-window', path: /min_window$/},
}

describe("Akash's invalid SDLs (testdata/sdl/input/invalid)", () => {
  const files = yamlFiles(invalidDir)

  it('covers every fixture', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const f of files) {
    it(`rejects ${f} for the right reason, with a located sentence`, () => {
      const result = loadSdl(read(join(invalidDir, f)), {file: f})
      expect(result.ok).toBe(false)
      expect(result.sdl).toBeUndefined()
      const expected = EXPECTED[f]
      const match = result.errors.find((e) => e.code === expected.code && expected.path.test(e.path))
      expect(match, JSON.stringify(result.errors, null, 2)).toBeDefined()
      for (const e of result.errors) {
        expect(e.message).toMatch(SENTENCE)
        expect(e.file).toBe(f)
        expect(e.line).toBeGreaterThan(0)
        expect(e.column).toBeGreaterThan(0)
      }
    })

    it(`rejects ${f} under Go rules as well`, () => {
      expect(loadSdl(read(join(invalidDir, f)), {rules: 'go'}).ok).toBe(false)
    })
  }
})

describe("Akash's schema-only-invalid SDLs", () => {
  const files = yamlFiles(schemaOnlyDir)

  it('covers every fixture', () => {
    expect(files).toEqual(Object.keys(SCHEMA_ONLY).sort())
  })

  for (const f of files) {
    it(`rejects ${f} (the schema's rule) with a clear message`, () => {
      const result = loadSdl(read(join(schemaOnlyDir, f)), {file: f})
      expect(result.ok).toBe(false)
      const expected = SCHEMA_ONLY[f]
      const match = result.errors.find((e) => e.code === expected.code && expected.path.test(e.path))
      expect(match, JSON.stringify(result.errors, null, 2)).toBeDefined()
      expect(match!.message).toMatch(SENTENCE)
    })

    it(`accepts ${f} under Go rules, warning about the schema rule`, () => {
      // Akash's own TestSchemaOnlyValidations: the schema rejects these, the Go parser accepts.
      const result = loadSdl(read(join(schemaOnlyDir, f)), {file: f, rules: 'go'})
      expect(result.errors).toEqual([])
      const expected = SCHEMA_ONLY[f]
      const warning = result.warnings.find((w) => w.code === expected.code && expected.path.test(w.path))
      expect(warning).toBeDefined()
      expect(warning!.hint).toContain("Go parser accepts it")
    })
  }

  it('never prints a registry password in a message', () => {
    const result = loadSdl(read(join(schemaOnlyDir, 'password-too-short.yaml')))
    for (const e of result.errors) expect(`${e.message} ${e.hint ?? ''}`).not.toMatch(/\bpass\b/)
  })
})
