import {join} from 'node:path'

import {generateManifest, manifestToSortedJSON, type SDLInput, yaml} from '@akashnetwork/chain-sdk'
import {describe, expect, it} from 'vitest'

import {type Manifest, loadSdl, renderManifest, type SdlIssue, sortedJson} from '../../../src/sdl/index.js'
import {AWESOME, read, SENTENCE, yamlFiles} from './corpus-paths.js'

const files = yamlFiles(AWESOME)

function problemsWith(issue: SdlIssue, file: string): string[] {
  const out: string[] = []
  if (!SENTENCE.test(issue.message)) out.push(`not a sentence: ${issue.message}`)
  if (/\n\s+at |Error:|TypeError|undefined|\[object Object\]|NaN/.test(`${issue.message} ${issue.hint ?? ''}`)) out.push(`leaks internals: ${issue.message}`)
  if (issue.file !== file || issue.line < 1 || issue.column < 1) out.push(`no location: ${JSON.stringify(issue)}`)
  if (issue.code === 'internal') out.push(`internal error: ${issue.message}`)
  return out
}

describe('awesome-akash: 342 real-world SDLs', () => {
  it('has them all', () => {
    expect(files).toHaveLength(342)
  })

  for (const rules of ['strict', 'go'] as const) {
    it(`each one parses, or fails with located sentences (${rules} rules)`, () => {
      const problems: string[] = []
      let ok = 0
      for (const f of files) {
        const result = loadSdl(read(join(AWESOME, f)), {file: f, rules})
        if (result.ok) {
          ok++
          if (!result.sdl) problems.push(`${f}: ok without an SDL`)
        } else if (result.errors.length === 0) {
          problems.push(`${f}: rejected without an error`)
        }
        for (const issue of [...result.errors, ...result.warnings]) problems.push(...problemsWith(issue, f).map((p) => `${f}: ${p}`))
      }
      expect(problems).toEqual([])
      // The split is a regression check: 65 files break the schema or chain-sdk's rules (mostly
      // docker-compose keys such as depends_on, sizes like "1GB", empty `attributes:`; axolotlai.yaml
      // leaves a persistent volume unmounted); Go rules accept 39 of them.
      expect(ok).toBe(rules === 'strict' ? 277 : 316)
    })
  }

  it('warns about uakt and rejects the axlUSDC denom, with the replacement YAML', () => {
    const n8n = loadSdl(read(join(AWESOME, 'n8n.yaml')))
    const ibc = n8n.errors.find((e) => e.code === 'denom-ibc')!
    expect(ibc.fix?.yaml).toMatch(/^denom: uact\namount: \d+\n$/)
    const uakt = files
      .map((f) => loadSdl(read(join(AWESOME, f)), {file: f}))
      .flatMap((r) => r.warnings)
      .filter((w) => w.code === 'denom-uakt')
    expect(uakt.length).toBeGreaterThan(0)
    for (const w of uakt) expect(w.fix?.yaml).toMatch(/^denom: uact\namount: [\d.]+\n$/)
  })
})

/**
 * chain-sdk's generateManifest differs from Akash's Go parser in a few known places; the
 * Go parser is the reference (its fixtures are what we match above). Those places are normalised
 * away here, everything else must agree.
 */
function normalise(manifest: Manifest): unknown {
  const copy = structuredClone(manifest) as Manifest
  for (const group of copy) {
    for (const svc of group.services as Array<Record<string, any>>) {
      // TS drops exposes without `to`; Go keeps them as local exposes.
      svc.expose = svc.expose.filter((e: any) => e.global || e.service !== '')
      // TS numbers leased IPs 1..n; Go numbers every non-global target first.
      for (const e of svc.expose) e.endpointSequenceNumber = 0
      for (const ep of svc.resources.endpoints) ep.sequence_number = 0
      // TS omits `params` when only an empty `params: {}` is written.
      if (svc.params && svc.params.storage === null && !svc.params.permissions && !svc.params.tee) delete svc.params
    }
  }
  // TS keeps SDL order where Go sorts (params.storage by name, GPU attributes by key, exposes).
  const canon = (v: any): any =>
    Array.isArray(v)
      ? v.map(canon).map((x: unknown) => sortedJson(x)).sort().map((s: string) => JSON.parse(s))
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]))
        : v
  return canon(JSON.parse(sortedJson(copy)))
}

describe("cross-check with chain-sdk's generateManifest", () => {
  it('agrees on every corpus manifest both accept, up to the known Go/TS differences', () => {
    let compared = 0
    const disagreements: string[] = []
    for (const f of files) {
      const text = read(join(AWESOME, f))
      const ours = loadSdl(text)
      if (!ours.ok) continue
      let theirs: Manifest
      try {
        const generated = generateManifest(yaml.raw<SDLInput>(text))
        if (!generated.ok) continue
        theirs = JSON.parse(manifestToSortedJSON(generated.value.groups)) as Manifest
      } catch {
        continue
      }
      compared++
      if (sortedJson(normalise(renderManifest(ours.sdl!))) !== sortedJson(normalise(theirs))) disagreements.push(f)
    }
    expect(disagreements).toEqual([])
    expect(compared).toBeGreaterThan(250)
  })
})
