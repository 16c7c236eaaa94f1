import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Bids from '../../src/commands/bids.js'
import Ls from '../../src/commands/ls.js'
import Providers from '../../src/commands/providers/index.js'
import Templates from '../../src/commands/templates.js'
import {createStyle} from '../../src/output/style.js'
import {renderFields, renderTable, wrapProse, wrapWords} from '../../src/output/table.js'
import type {BidsResult} from '../../src/services/lease/bids.js'
import type {DeploymentRow} from '../../src/services/lease/list.js'
import type {ProviderRow} from '../../src/services/lease/providers.js'
import {listTemplates} from '../../src/services/sdl/templates.js'

const ADDRESS = 'akash1q7spv2cw06yszgfp4f9ed59lkka6ytn8g4tkjw'
const ADDRESS2 = 'akash1zx9sfzd8cxyq3kp2lqyv8q7q4r7lqj0h7m2n4e'

/** Renders a command's text output as a terminal of `columns` would show it. */
function render<R>(command: {prototype: object}, result: R, flags: Record<string, unknown> = {}, columns = 80): string {
  const stdout = process.stdout as unknown as {isTTY?: boolean; columns?: number}
  stdout.isTTY = true
  stdout.columns = columns
  const fake = {flags, args: {}, out: {style: createStyle(false)}}
  return (command.prototype as {renderText(this: unknown, r: R): string}).renderText.call(fake, result)
}

/** Every line fits, and every word of `words` appears whole on some line (nothing cut mid-word). */
function expectFits(text: string, columns: number, words: string[]): void {
  for (const line of text.split('\n')) expect([...line].length, `too wide at ${columns}: "${line}"`).toBeLessThanOrEqual(columns)
  const tokens = new Set(text.split(/\s+/))
  for (const w of words) expect(tokens.has(w), `"${w}" cut or split in:\n${text}`).toBe(true)
}

describe('tables at 80 columns', () => {
  let saved: {isTTY?: boolean; columns?: number}
  beforeEach(() => {
    saved = {isTTY: process.stdout.isTTY, columns: process.stdout.columns}
  })
  afterEach(() => {
    Object.assign(process.stdout, saved)
  })

  it('templates: descriptions and GPU lists wrap between words; prices stay on the row', async () => {
    const templates = await listTemplates({blockTimeMs: 6000})
    for (const columns of [80, 160]) {
      const text = render(Templates, templates, {}, columns)
      expectFits(text, columns, templates.map((t) => t.name))
      // TYPICAL and MAX are on the template's own line, not a second one.
      for (const t of templates) expect(text.split('\n').find((l) => l.startsWith(`${t.name} `)), t.name).toContain(`$${t.typicalUsdPerHour}/h`)
    }
  })

  it('ls: empty columns are left out, labels truncate with "…", the rest fit', () => {
    const rows = [
      {dseq: 1234567n, state: 'active', lease: 'active', provider: ADDRESS, region: 'us-west', usdPerHour: '$0.12', escrowLeft: {amount: 5n, denom: 'uact', display: '5 ACT', usd: '$4.87'}, timeLeftMs: 3 * 86_400_000, expired: false, overBudget: false, labels: {app: 'web', team: 'payments'}, flags: ['escrow < 1h', '80% of budget'], uris: []},
      {dseq: 52n, state: 'active', lease: 'active', provider: ADDRESS2, usdPerHour: '$0.40', expired: false, overBudget: false, labels: {}, flags: [], uris: []},
    ] as unknown as DeploymentRow[]
    const text = render(Ls, rows)
    expectFits(text, 80, ['1234567', 'us-west', '$4.87', '3d', 'escrow', '1h,', '80%', 'budget'])
    expect(text).toMatch(/app=\S*…/)
    expect(text).not.toContain('SPENT')
  })

  it('providers: addresses shorten, GPU lists and hosts give way, no column is cut mid-word', () => {
    const rows: ProviderRow[] = [
      {address: ADDRESS, hostUri: 'https://provider.europlots.com:8443', region: 'eu-central', gpus: ['a100', 'h100', 'rtx4090', 'rtx3090', 't4'], audited: true, auditors: [], attributes: []},
      {address: ADDRESS2, hostUri: 'https://provider.hurricane.akash.pub:8443', gpus: [], audited: false, auditors: [], attributes: []},
    ]
    const text = render(Providers, rows, {probe: false})
    expectFits(text, 80, ['eu-central', 'a100,', 'h100,', 'rtx4090,', 't4', 'yes', 'no'])
    expect(text).toContain('akash1q7sp…')
  })

  it('bids: fits with a long GPU model and region', () => {
    const bid = {rank: 1, provider: ADDRESS, region: 'us-east-virginia', usdPerHour: '$1.20', price: '0.0003 ACT/block', latencyMs: 12, audited: true, gpu: 'nvidia a100 80Gi, nvidia h100 80Gi', score: 91.5}
    const result = {dseq: 52n, height: 100, strategy: 'balanced', groups: [{gseq: 1, name: 'akash', bids: [bid, {...bid, rank: 2, provider: ADDRESS2, region: undefined, gpu: undefined, score: 80}], excluded: []}], settled: []} as unknown as BidsResult
    const text = render(Bids, result, {explain: false})
    expectFits(text, 80, ['us-east-virginia', 'a100', '80Gi,', 'h100', '$1.20', '91.5'])
  })

  it('piped output (no terminal width) keeps every cell whole', () => {
    const columns = [{header: 'text', get: (r: string) => r, fit: 'wrap' as const}]
    expect(renderTable(['a long description that would wrap'], columns, {})).toContain('a long description that would wrap')
  })

  it('wraps between words and cuts only a word longer than the column, with "…"', () => {
    expect(wrapWords('16 Gi+ VRAM each', 8)).toEqual(['16 Gi+', 'VRAM', 'each'])
    expect(wrapWords('supercalifragilistic', 8)).toEqual(['superca…'])
  })

  it('key: value fields wrap their values under the value column at 80 columns, keeping long words whole', () => {
    const runtime = "host processes (the image is ignored; the workload is not isolated from the provider's machine)"
    const uri = `http://${'x'.repeat(70)}.localhost:39837`
    const text = renderFields(
      [
        ['runtime', runtime],
        ['uris', uri],
        ['providers', `local-1 ${ADDRESS} https://127.0.0.1:46199 region=us-west\n   local-2 ${ADDRESS2} https://127.0.0.1:34061`],
      ],
      {width: 80},
    )
    const lines = text.split('\n')
    for (const line of lines.filter((l) => !l.includes(uri))) expect([...line].length, line).toBeLessThanOrEqual(80)
    // Continuations start under the value column (after "providers: ").
    for (const line of lines.filter((l) => !/^\w+:/.test(l))) expect(line).toMatch(/^ {11}\S/)
    const tokens = new Set(text.split(/\s+/))
    for (const w of [...runtime.split(' '), uri, ADDRESS, ADDRESS2]) expect(tokens.has(w), w).toBe(true)
    // Piped (no width): values stay on their lines.
    expect(renderFields([['runtime', runtime]], {})).toBe(`runtime: ${runtime}`)
  })
})

describe('error text at a terminal width', () => {
  it('breaks between words under the message, and never inside a `quoted command`', () => {
    const hint = 'Is edge dev running? Start it with `edge dev start --rpc-port 46657 --grpc-port 49090 --rest-port 41317`.'
    const text = wrapProse('Hint: ', hint, 80)
    const lines = text.split('\n')
    expect(lines.length).toBeGreaterThan(1)
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80)
    expect(lines.slice(1).every((l) => l.startsWith('      ') && !l.startsWith('       '))).toBe(true)
    expect(text).toContain('`edge dev start --rpc-port 46657 --grpc-port 49090 --rest-port 41317`.')
    expect(text.replace(/\n +/g, ' ')).toBe(`Hint: ${hint}`)
    // Piped: one line, as written.
    expect(wrapProse('Hint: ', hint, undefined)).toBe(`Hint: ${hint}`)
  })
})
