/**
 * edge dev charges gas as Akash node v2.1 does (shared/design/akash-protocol-2026.md §5): the same
 * KV accesses priced at the node's key and value sizes, the tx size, the signature, and no fee
 * transfer in a simulation with an empty fee. Pinned against the figures measured on a real node,
 * within a tolerance for what a table cannot fix (the payloads of the client that measured them).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {GasChain, type GasMeasurement, NODE_FEE_DELTA, NODE_GAS, runGasTable} from './gas-flow.js'

const TOLERANCE = 0.05
const within = (value: number, expected: number) => Math.abs(value / expected - 1)

let full: GasMeasurement[]
let atDefault: GasMeasurement[]
const chains: GasChain[] = []

beforeAll(async () => {
  const generous = await GasChain.create()
  const defaults = await GasChain.create()
  chains.push(generous, defaults)
  full = await runGasTable(generous, 2)
  atDefault = await runGasTable(defaults, 1.3)
}, 60_000)

afterAll(() => {
  for (const chain of chains) chain.close()
})

describe('gas as Akash node v2.1 charges it', () => {
  it.each(Object.keys(NODE_GAS))('%s: simulated and delivered within 5 %% of the node', (label) => {
    const node = NODE_GAS[label]
    const row = full.find((m) => m.label === label)!
    expect(row.code).toBe(0)
    expect(within(row.simulated, node.simulated)).toBeLessThan(TOLERANCE)
    expect(within(row.gasUsed, node.used ?? node.simulated + NODE_FEE_DELTA)).toBeLessThan(TOLERANCE)
  })

  it('delivers about 16k more than it simulates on every message: the fee transfer the simulation leaves out', () => {
    for (const row of full) expect(within(row.gasUsed - row.simulated, NODE_FEE_DELTA)).toBeLessThan(0.01)
  })

  it("fails out of gas (sdk/11) at chain-sdk's default ×1.3 where the node does, and succeeds elsewhere", () => {
    const outOfGas = ['MsgSend (existing recipient)', 'MsgUpdateProvider', 'MsgUpdateDeployment']
    for (const label of Object.keys(NODE_GAS)) {
      const row = atDefault.find((m) => m.label === label)!
      expect({label, code: row.code}).toEqual({label, code: outOfGas.includes(label) ? 11 : 0})
      if (row.code === 11) expect(row.log).toMatch(/^out of gas in location: \w+; gasWanted: \d+, gasUsed: \d+: out of gas$/)
    }
  })

  it('keeps the margin of edge\'s own clients (×1.5): every message succeeds', async () => {
    const chain = await GasChain.create()
    chains.push(chain)
    const rows = await runGasTable(chain, 1.5)
    expect(rows.filter((m) => m.code !== 0).map((m) => m.label)).toEqual([])
  })
})
