import {join} from 'node:path'
import {readFileSync} from 'node:fs'

import {GroupSpec as GroupSpecCodec} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {describe, expect, it} from 'vitest'

import {groupSpecFromDecoded as toMarketSpec} from '../../../src/sdl/groupspec.js'
import {crossValidate, manifestVersionMatches, parseManifest, sha256Hex} from '../../../src/provider/manifest/verify.js'
import type {Manifest} from '../../../src/provider/runtime/manifest-types.js'
import {groupSpecs, loadSdlOrThrow, manifestSortedJson, manifestVersion, renderManifest} from '../../../src/sdl/index.js'
import {CORPUS} from '../../helpers/corpus.js'

const SDL_DIR = join(CORPUS, 'akash-vectors/testdata/sdl/input/v2.0')

function fixture(name: string) {
  const sdl = loadSdlOrThrow(readFileSync(`${SDL_DIR}/${name}/input.yaml`, 'utf8').replace(/denom: uakt/g, 'denom: uact'))
  const body = manifestSortedJson(sdl)
  const hash = manifestVersion(sdl).bytes
  const specs = groupSpecs(sdl).map((g) => toMarketSpec(GroupSpecCodec.fromPartial(g as never)))
  return {sdl, body, hash, specs, manifest: renderManifest(sdl) as unknown as Manifest}
}

describe('manifest checks', () => {
  for (const name of ['simple', 'multiple-services', 'persistent-storage', 'gpu-basic']) {
    it(`${name}: the sorted manifest body hashes to the deployment version and matches its group specs`, () => {
      const f = fixture(name)
      const parsed = parseManifest(f.body)
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) return
      expect(manifestVersionMatches(f.body, parsed.manifest, f.hash)).toEqual({ok: true, version: Buffer.from(f.hash).toString('hex')})
      expect(crossValidate(parsed.manifest, f.specs)).toBeUndefined()
    })
  }

  it('accepts the same manifest sent unsorted (Akash hashes its re-encoding, not the bytes)', () => {
    const f = fixture('simple')
    const unsorted = JSON.stringify(JSON.parse(f.body), null, 2)
    const parsed = parseManifest(unsorted)
    expect(parsed.ok && manifestVersionMatches(unsorted, parsed.manifest, f.hash).ok).toBe(true)
  })

  it('refuses a manifest whose hash differs from the on-chain version', () => {
    const f = fixture('simple')
    const changed = JSON.parse(f.body) as Manifest
    changed[0].services[0].image = 'evil/miner:latest'
    const body = JSON.stringify(changed)
    const parsed = parseManifest(body)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(manifestVersionMatches(body, parsed.manifest, f.hash).ok).toBe(false)
    expect(sha256Hex(f.body)).toBe(Buffer.from(f.hash).toString('hex'))
  })

  it('refuses manifests whose resources differ from the group spec', () => {
    const f = fixture('simple')
    const m = JSON.parse(f.body) as Manifest
    m[0].services[0].count = 5
    expect(crossValidate(m, f.specs)).toMatch(/over-utilized replicas/)
    const m2 = JSON.parse(f.body) as Manifest
    m2[0].services[0].resources.cpu.units = {val: '4000'}
    expect(crossValidate(m2, f.specs)).toMatch(/CPU resources mismatch/)
    const m3 = JSON.parse(f.body) as Manifest
    m3[0].name = 'other'
    expect(crossValidate(m3, f.specs)).toMatch(/unknown deployment group/)
  })

  it.each([
    ['not json', /invalid manifest JSON/],
    ['{}', /array of groups/],
    ['[]', /array of groups/],
    ['[{"name":"g","services":[]}]', /no services/],
    ['[{"name":"g","services":[{"name":"Web","image":"x","count":1,"resources":{}}]}]', /DNS label/],
    ['[{"name":"g","services":[{"name":"web","image":"x","count":1,"resources":{},"expose":[]}]}]', /zero global services/],
  ])('parseManifest(%s) is refused', (body, why) => {
    const r = parseManifest(body)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(why)
  })
})
