import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {groupSpecsJson, loadSdl, manifestVersion, renderManifest} from '../../../src/sdl/index.js'
import {GO_TESTDATA, read, SENTENCE, yamlFiles} from './corpus-paths.js'

/**
 * go/sdl/_testdata as chain-sdk's Go tests treat each file (go/sdl/*_test.go). With `rules: 'go'`
 * only what the Go parser rejects is an error. Files no test reads are listed as valid when the
 * Go parser accepts them.
 */
const GO_REJECTS: Record<string, RegExp> = {
  'deployment-svc-mismatch.yaml': /services does not define/,
  'v2.1-deployment-svc-mismatch.yaml': /services does not define/,
  'simple-reclamation-invalid.yaml': /min_window/,
  'simple-reclamation-zero.yaml': /min_window/,
  'v2.1-reclamation-invalid.yaml': /min_window/,
  'v2.1-reclamation-zero.yaml': /min_window/,
  'storageClass1.yaml': /mount/, // Go: "expected absolute path"
  'storageClass2.yaml': /absolute path/,
  'storageClass3.yaml': /mount/, // Go: "references to no-existing compute volume" (also has no mount)
  'storageClass4.yaml': /mounts both/, // Go: "already in use by volume"
  'storageClass5.yaml': /not mounted/, // Go: "to have mount"
  'v2.1-credentials-error.yaml': /host/,
}

const files = [...yamlFiles(GO_TESTDATA), ...yamlFiles(join(GO_TESTDATA, 'legacy')).map((f) => `legacy/${f}`)]

describe("chain-sdk's go/sdl/_testdata under Go rules", () => {
  for (const f of files) {
    const text = read(join(GO_TESTDATA, f))
    if (GO_REJECTS[f]) {
      it(`rejects ${f}`, () => {
        const result = loadSdl(text, {file: f, rules: 'go'})
        expect(result.ok).toBe(false)
        expect(result.errors.map((e) => e.message).join('\n')).toMatch(GO_REJECTS[f])
        for (const e of result.errors) expect(e.message).toMatch(SENTENCE)
      })
    } else {
      it(`accepts ${f}`, () => {
        const result = loadSdl(text, {file: f, rules: 'go'})
        expect(result.errors).toEqual([])
        expect(manifestVersion(result.sdl!).bytes).toHaveLength(32)
      })
    }
  }
})

describe('what the Go tests assert about the parsed files', () => {
  const load = (f: string) => loadSdl(read(join(GO_TESTDATA, f)), {rules: 'go'}).sdl!

  it('simple.yaml and private_service.yaml have different manifest versions (TestSDLManifestVersion)', () => {
    expect(manifestVersion(load('simple.yaml')).hex).not.toBe(manifestVersion(load('private_service.yaml')).hex)
  })

  it('doubling the RAM changes the version (TestSDLManifestVersionChangesWithVersion)', () => {
    expect(manifestVersion(load('simple.yaml')).hex).not.toBe(manifestVersion(load('simple-double-ram.yaml')).hex)
  })

  it('simple2.yaml: a service that is not deployed is not in the manifest (Test_v2_Parse_DeploymentNameServiceNameMismatch)', () => {
    const manifest = renderManifest(load('simple2.yaml'))
    expect(manifest).toHaveLength(1)
    expect(manifest[0].services).toHaveLength(1)
    expect(manifest[0].services[0].expose).toHaveLength(2)
    expect(manifest[0].services[0].expose[0].hosts).toEqual(['ahostname.com'])
  })

  it('storageClass6.yaml: persistent storage without a class gets class "default" (TestV2ParseStorageName)', () => {
    const sdl = load('storageClass6.yaml')
    const [group] = groupSpecsJson(sdl)
    expect(group.requirements.attributes).toEqual([{key: 'region', value: 'us-west'}])
    const storage = group.resources[0].resource.storage!
    expect(storage.find((s) => s.attributes)?.attributes).toEqual([
      {key: 'class', value: 'default'},
      {key: 'persistent', value: 'true'},
    ])
  })

  it('service-mix: one group, two units, region is the second requirement (TestV2ParseServiceMix)', () => {
    for (const f of ['service-mix.yaml', 'v2.1-service-mix.yaml']) {
      const groups = groupSpecsJson(load(f))
      expect(groups).toHaveLength(1)
      expect(groups[0].resources).toHaveLength(2)
      expect(groups[0].requirements.attributes![1]).toEqual({key: 'region', value: 'us-west'})
    }
  })

  it('v2.1 credentials are trimmed and keep the e-mail (Test_V2_1_Parse_credentials)', () => {
    const manifest = renderManifest(load('v2.1-credentials.yaml'))
    expect(manifest[0].services[0].credentials).toMatchObject({username: 'foo', password: 'foo'})
  })
})
