import {generateManifestVersion, manifestToSortedJSON} from '@akashnetwork/chain-sdk'
import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {loadSdlOrThrow, manifestSortedJson, manifestVersion, renderManifest, sortedJson} from '../../../src/sdl/index.js'
import {sortVolumesLikeGo} from '../../../src/sdl/storage-order.js'
import {BASE, variant} from '../../helpers/sdl-text.js'

describe('sorted manifest JSON (the provider PUT body)', () => {
  it('sorts keys at every level and escapes <, >, & like Go', () => {
    expect(sortedJson({b: 1, a: {d: [3, {z: null, y: 'a<b>&c'}], c: true}})).toBe('{"a":{"c":true,"d":[3,{"y":"a\\u003cb\\u003e\\u0026c","z":null}]},"b":1}')
    expect(sortedJson({s: 'line\u2028sep'})).toBe('{"s":"line\\u2028sep"}')
  })

  it('matches chain-sdk for a manifest with HTML characters, quotes and unicode in env and args', async () => {
    const sdl = loadSdlOrThrow(
      variant('    expose:', '    env:\n      - "HTML=<b>bold</b> & more"\n      - \'QUOTE=say "hi"\'\n      - UNICODE=héllo ✓\n    args:\n      - "a\\tb\\nc"\n    expose:'),
    )
    // Ours has `null` where chain-sdk's types say a list (the JSON Go's encoder writes): hand it over as is.
    const manifest = renderManifest(sdl) as never
    expect(manifestSortedJson(sdl)).toBe(manifestToSortedJSON(manifest))
    expect(manifestVersion(sdl).hex).toBe(Buffer.from(await generateManifestVersion(manifest)).toString('hex'))
  })

  it('the version is the SHA-256 of the body, as 32 bytes and hex', () => {
    const sdl = loadSdlOrThrow(BASE)
    const digest = createHash('sha256').update(manifestSortedJson(sdl)).digest()
    expect(manifestVersion(sdl).hex).toBe(digest.toString('hex'))
    expect(Buffer.from(manifestVersion(sdl).bytes)).toEqual(digest)
  })

  it('changes with anything the provider runs, not with YAML formatting or comments', () => {
    const base = manifestVersion(loadSdlOrThrow(BASE)).hex
    expect(manifestVersion(loadSdlOrThrow(`# a comment\n${BASE.replaceAll('"2.0"', "'2.0'")}`)).hex).toBe(base)
    expect(manifestVersion(loadSdlOrThrow(variant('image: nginx:1.27', 'image: nginx:1.26'))).hex).not.toBe(base)
    expect(manifestVersion(loadSdlOrThrow(variant('count: 1', 'count: 2'))).hex).not.toBe(base)
    // The price is on chain, not in the manifest.
    expect(manifestVersion(loadSdlOrThrow(variant('amount: 1000', 'amount: 999'))).hex).toBe(base)
  })

  it('keeps explicit empty lists as [] (Go marshals a non-nil empty slice so)', () => {
    const manifest = renderManifest(loadSdlOrThrow(variant('    expose:', '    command: []\n    expose:')))
    expect(manifest[0].services[0].command).toEqual([])
    expect(manifest[0].services[0].args).toBeNull()
  })

  it('numbers leased IPs the way Go does (every non-global target counts first)', () => {
    const text = `${variant('          - global: true', '          - global: true\n            ip: myip\n          - service: web')}endpoints:\n  myip:\n    kind: ip\n`
    const [svc] = renderManifest(loadSdlOrThrow(text))[0].services
    const ipExpose = svc.expose.find((e) => e.ip === 'myip')!
    // Sorted targets: "" (the local one), "myip" → myip gets 2.
    expect(ipExpose.endpointSequenceNumber).toBe(2)
    expect(svc.resources.endpoints).toEqual([{sequence_number: 0}, {kind: 2, sequence_number: 2}])
  })
})

describe("storage order (Go's sort.SliceStable with Akash's comparator)", () => {
  const vol = (name: string, gi: number, persistent?: 'true' | 'false') => ({
    name,
    bytes: BigInt(gi) * 1024n ** 3n,
    attributes: persistent ? [{key: 'class', value: persistent === 'true' ? 'beta3' : 'ram'}, {key: 'persistent', value: persistent}] : null,
  })

  it('orders by size, then attribute-less first', () => {
    expect(sortVolumesLikeGo([vol('data', 10, 'true'), vol('default', 1), vol('cache', 2, 'true')]).map((v) => v.name)).toEqual([
      'default',
      'cache',
      'data',
    ])
    expect(sortVolumesLikeGo([vol('data', 1, 'true'), vol('default', 1)]).map((v) => v.name)).toEqual(['default', 'data'])
  })

  it('stays stable for long lists (block insertion sort plus merges)', () => {
    const many = Array.from({length: 45}, (_, i) => vol(`v${String(i).padStart(2, '0')}`, 45 - i))
    const sorted = sortVolumesLikeGo(many)
    expect(sorted.map((v) => Number(v.bytes / 1024n ** 3n))).toEqual(Array.from({length: 45}, (_, i) => i + 1))
  })
})
