/**
 * CometBFT RPC routes where edge dev answered differently from a v2.1 node (shared/design/
 * akash-protocol-2026.md §5): block_results carries the block's own begin/end-block events and no
 * consensus-param updates; the websocket's NewBlock carries them too; genesis_chunked,
 * consensus_state and dump_consensus_state answer; abci_info names the app as the node does.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Comet38Client, WebsocketClient} from '@cosmjs/tendermint-rpc'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, startDevnet} from '../../../../src/devnet/index.js'
import {authModule} from '../../../../src/devnet/modules/auth/index.js'
import {bankModule} from '../../../../src/devnet/modules/bank/index.js'
import type {Module} from '../../../../src/devnet/types.js'

let dir: string
let devnet: Devnet

/** A module whose end blocker reports something every block, as x/bme reports a mint status change. */
const endBlockReporter: Module = {
  name: 'reporter',
  msgs: [],
  queries: [],
  endBlock(ctx) {
    ctx.events.emit('reporter_end_block', {height: String(ctx.height)})
  },
}

async function rpc(method: string, params: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(devnet.endpoints.rpc, {method: 'POST', body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params})})
  const body = await response.json()
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.result
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-comet-rpc-'))
  devnet = await startDevnet({dataDir: dir, ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 50, modules: [authModule(), bankModule(), endBlockReporter]})
  while (devnet.height() < 2) await new Promise((r) => setTimeout(r, 20))
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('CometBFT RPC as a v2.1 node answers', () => {
  it("block_results: the block's end-block events, no consensus-param updates", async () => {
    const result = await rpc('block_results', {height: '2'})
    expect(result.finalize_block_events).toEqual([
      {
        type: 'reporter_end_block',
        attributes: [
          {key: 'height', value: '2', index: true},
          {key: 'mode', value: 'EndBlock', index: true},
        ],
      },
    ])
    expect(result.consensus_param_updates).toBeNull()
    // cosmjs reads them as finalizeBlockEvents.
    const client = await Comet38Client.connect(devnet.endpoints.rpc)
    const parsed = await client.blockResults(2)
    expect(parsed.finalizeBlockEvents.map((e) => e.type)).toEqual(['reporter_end_block'])
    expect(parsed.consensusUpdates).toBeUndefined()
    client.disconnect()
  })

  it("NewBlock over the websocket carries the block's events in result_finalize_block", async () => {
    const ws = new WebsocketClient(devnet.endpoints.rpc.replace(/^http/, 'ws') + '/websocket')
    const event = await new Promise<any>((resolve, reject) => {
      const sub = ws.listen({jsonrpc: '2.0', id: 'blocks', method: 'subscribe', params: {query: "tm.event='NewBlock'"}}).subscribe({
        next: (e) => {
          sub.unsubscribe()
          resolve(e)
        },
        error: reject,
      })
    })
    ws.disconnect()
    expect(event.data.value.result_finalize_block.events[0].type).toBe('reporter_end_block')
  })

  it('abci_info names the app and version as the node (app_version 0 is left out)', async () => {
    const {response} = await rpc('abci_info')
    expect(response).toEqual({data: 'akash', version: '2.1.0', last_block_height: expect.stringMatching(/^\d+$/), last_block_app_hash: expect.any(String)})
  })

  it('genesis_chunked gives the genesis document in one chunk, and refuses another', async () => {
    const {genesis} = await rpc('genesis')
    const chunk = await rpc('genesis_chunked', {chunk: '0'})
    expect({chunk: chunk.chunk, total: chunk.total}).toEqual({chunk: '0', total: '1'})
    expect(JSON.parse(Buffer.from(chunk.data, 'base64').toString())).toEqual(genesis)
    await expect(rpc('genesis_chunked', {chunk: '1'})).rejects.toThrow(/there are 0 chunks, 1 is invalid/)
  })

  it('consensus_state and dump_consensus_state describe the next height, proposed by the one validator', async () => {
    const {round_state: simple} = await rpc('consensus_state')
    expect(simple['height/round/step']).toMatch(/^\d+\/0\/1$/)
    expect(simple.proposer).toEqual({address: expect.stringMatching(/^[0-9A-F]{40}$/), index: 0})
    const dump = await rpc('dump_consensus_state')
    expect(dump.peers).toEqual([])
    expect(dump.round_state).toMatchObject({round: 0, step: 1, locked_round: -1, valid_round: -1})
    expect(dump.round_state.validators.validators).toHaveLength(1)
  })
})
