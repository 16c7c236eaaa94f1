import {join} from 'node:path'

import {generateManifest, generateManifestVersion, manifestToSortedJSON, type SDLInput, yaml} from '@akashnetwork/chain-sdk'
import {describe, expect, it} from 'vitest'

import {deploymentReclamation, groupSpecs, loadSdl, manifestSortedJson, manifestVersion} from '../../../src/sdl/index.js'
import {AWESOME, GO_TESTDATA, read, VECTORS} from './corpus-paths.js'

/**
 * chain-sdk 1.0.0-alpha.45's own generateManifest and manifest hashing, run on the same SDLs as
 * ours, for every alpha.45 addition that is set (tee, GPU interconnect, CPU arch, HTTP proxy options,
 * duration timeouts, reclamation): the upload body, its hash, the GroupSpecs and the
 * MsgCreateDeployment reclamation must be the same bytes. With none of them set, Akash's own
 * vectors already pin the hash (fixtures.test.ts, go-testdata.test.ts). (Akash's two reclamation
 * vectors, go/sdl/_testdata/*simple-reclamation.yaml, sign with numbers, which both schemas refuse;
 * our own files carry the reclamation cases.)
 */
const HERE = join(import.meta.dirname, 'alpha45')
const FILES: Record<string, string> = {
  'alpha45/interconnect-implicit.yaml (interconnect [], arch amd64, reclamation 24h)': join(HERE, 'interconnect-implicit.yaml'),
  'alpha45/interconnect-named.yaml (named groups, tee cpu-gpu, persistent volume)': join(HERE, 'interconnect-named.yaml'),
  'alpha45/http-proxy.yaml (proxy options, duration timeouts, arch arm64, reclamation 90m)': join(HERE, 'http-proxy.yaml'),
  'go/sdl/_testdata/v2.1-tee-cpu.yaml': join(GO_TESTDATA, 'v2.1-tee-cpu.yaml'),
  'go/sdl/_testdata/v2.1-tee-cpu-gpu.yaml': join(GO_TESTDATA, 'v2.1-tee-cpu-gpu.yaml'),
  'testdata/sdl/input/v2.1/tee-cpu': join(VECTORS, 'input/v2.1/tee-cpu/input.yaml'),
  'testdata/sdl/input/v2.1/tee-cpu-gpu': join(VECTORS, 'input/v2.1/tee-cpu-gpu/input.yaml'),
  'awesome-akash/ollama-tee.yaml': join(AWESOME, 'ollama-tee.yaml'),
}

/** bigint-safe JSON for deep comparison of ts-proto objects. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))

describe("edge and chain-sdk 1.0.0-alpha.45's generateManifest agree on the alpha.45 features", () => {
  for (const [name, file] of Object.entries(FILES)) {
    it(name, async () => {
      const text = read(file)
      const ours = loadSdl(text, {file: name})
      expect(ours.errors).toEqual([])
      const theirs = generateManifest(yaml.raw<SDLInput>(text))
      if (!theirs.ok) throw new Error(`chain-sdk rejects ${name}: ${JSON.stringify(theirs.value)}`)
      const sdl = ours.sdl!

      expect(manifestSortedJson(sdl)).toBe(manifestToSortedJSON(theirs.value.groups))
      expect(manifestVersion(sdl).hex).toBe(Buffer.from(await generateManifestVersion(theirs.value.groups)).toString('hex'))
      expect(plain(groupSpecs(sdl))).toEqual(plain(theirs.value.groupSpecs))
      expect(deploymentReclamation(sdl)).toEqual(theirs.value.reclamation)
    })
  }

  it('covers every feature in at least one file', () => {
    const body = Object.values(FILES)
      .map((f) => manifestSortedJson(loadSdl(read(f)).sdl!))
      .join('\n')
    for (const key of ['"interconnectGroup":"auto"', '"interconnectGroup":"prefill"', '"tee":{"attestation":true,"type":"cpu-gpu"}', '"type":"cpu"', '"proxy":{', '"bufferingDisable":true', '"readTimeout":300000', '"key":"arch","value":"arm64"']) {
      expect(body).toContain(key)
    }
    expect(Object.values(FILES).filter((f) => loadSdl(read(f)).sdl!.reclamation).length).toBeGreaterThanOrEqual(2)
  })
})
