import {generateManifestVersion, manifestToSortedJSON} from '@akashnetwork/chain-sdk'
import {describe, expect, it} from 'vitest'

import {groupSpecsJson, loadSdl, manifestSortedJson, manifestVersion, renderManifest} from '../../../src/sdl/index.js'
import {fixtureCases, read} from './corpus-paths.js'

const cases = fixtureCases()

describe("Akash's SDL output fixtures (testdata/sdl)", () => {
  it('has all 15 cases', () => {
    expect(cases.length).toBe(15)
  })

  for (const c of cases) {
    describe(`${c.version}/${c.name}`, () => {
      const result = loadSdl(read(c.input), {file: c.input})

      it('loads without errors', () => {
        expect(result.errors).toEqual([])
        expect(result.ok).toBe(true)
      })

      it('renders the manifest exactly (values and Go field order)', () => {
        const expected = JSON.parse(read(c.manifest))
        const manifest = renderManifest(result.sdl!)
        expect(manifest).toEqual(expected)
        // Field order matters to nobody but a human diffing, yet it costs nothing to keep Go's.
        expect(JSON.stringify(manifest)).toBe(JSON.stringify(expected))
      })

      it('renders the group specs exactly (LegacyDec price strings)', () => {
        const expected = JSON.parse(read(c.groups))
        expect(JSON.stringify(groupSpecsJson(result.sdl!))).toBe(JSON.stringify(expected))
      })

      it("hashes like Akash's TypeScript mirror of the Go hash", async () => {
        const expected = JSON.parse(read(c.manifest))
        expect(manifestSortedJson(result.sdl!)).toBe(manifestToSortedJSON(expected))
        const theirs = Buffer.from(await generateManifestVersion(expected)).toString('hex')
        expect(manifestVersion(result.sdl!).hex).toBe(theirs)
      })
    })
  }
})
