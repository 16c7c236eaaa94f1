import {MsgVote, QueryBalanceRequest, QueryBalanceResponse} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {DevApp} from '../../../../src/devnet/app.js'
import {moduleAddress} from '../../../../src/devnet/core/address.js'
import {defaultDevGenesis} from '../../../../src/devnet/genesis.js'
import {CometRenderer, validatorIdentity} from '../../../../src/devnet/server/comet-json.js'
import {RpcParams, methods} from '../../../../src/devnet/server/rpc-methods.js'
import type {Module} from '../../../../src/devnet/types.js'
import {TxError} from '../../../../src/devnet/types.js'
import {MNEMONICS, type TestChain, type TestKey, sendMsg, signTx, testChain, testKey} from './helpers.js'

let alice: TestKey
let bob: TestKey
const chains: TestChain[] = []

beforeAll(async () => {
  alice = await testKey(MNEMONICS.alice)
  bob = await testKey(MNEMONICS.bob)
})
afterEach(() => {
  for (const c of chains.splice(0)) c.close()
})

const AKT = (amount: string | number) => ({denom: 'uakt', amount: String(amount)})

function chain(extra: Module[] = []): TestChain {
  const c = testChain([{address: alice.address, coins: [AKT(1_000_000), {denom: 'uact', amount: '500'}]}], extra)
  chains.push(c)
  return c
}

function balance(c: TestChain, address: string, denom = 'uakt'): bigint {
  return c.app.queryContext().bank.balance(address, denom)
}

function account(c: TestChain, address: string) {
  return c.app.queryContext().accounts.get(address)
}

/** A module whose one message writes to state, emits a typed event, then fails when asked to. */
function probeModule(): Module {
  return {
    name: 'probe',
    msgs: [
      {
        codec: MsgVote,
        signers: (m: MsgVote) => [m.voter],
        validateBasic(m: MsgVote) {
          if (m.option === 4) throw new TxError('probe', 7, 'option 4 is invalid')
        },
        handle(ctx, m: MsgVote) {
          ctx.store.set(`probe/${m.proposalId.toString()}`, new Uint8Array([1]))
          ctx.events.emitTyped(MsgVote, m)
          if (m.option === 3) throw new TxError('probe', 9, 'vote 3 always fails')
          return new Uint8Array()
        },
      },
    ],
    queries: [],
    beginBlock(ctx) {
      ctx.store.set('probe/begin', new TextEncoder().encode(String(ctx.height)))
      ctx.events.emit('probe_begin', {height: String(ctx.height)})
    },
  }
}

const vote = (voter: string, proposalId: number, option: number) => ({
  typeUrl: '/cosmos.gov.v1beta1.MsgVote',
  value: {voter, proposalId: BigInt(proposalId), option},
})

describe('transactions', () => {
  it('delivers a signed MsgSend: balances, fee, sequence, public key recorded on first use, SDK events', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    expect(account(c, alice.address)!.pubKey).toBeUndefined()
    const check = await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '1234')], {accountNumber: number, sequence: 0}))
    expect(check.code).toBe(0)
    const {txs} = await c.app.produceBlock()
    expect(txs[0].result).toMatchObject({code: 0, codespace: ''})
    expect(balance(c, bob.address)).toBe(1234n)
    expect(balance(c, alice.address)).toBe(1_000_000n - 1234n - 5000n)
    expect(balance(c, moduleAddress('fee_collector'))).toBe(5000n)
    const acc = account(c, alice.address)!
    expect(acc.sequence).toBe(1n)
    expect(Buffer.from(acc.pubKey!)).toEqual(Buffer.from(alice.pubkey))
    const types = txs[0].result.events.map((e) => e.type)
    expect(types).toEqual(['coin_spent', 'coin_received', 'transfer', 'message', 'tx', 'tx', 'tx', 'message', 'coin_spent', 'coin_received', 'transfer', 'message'])
    const action = txs[0].result.events[7]
    expect(Object.fromEntries(action.attributes.map((a) => [a.key, a.value]))).toEqual({
      action: '/cosmos.bank.v1beta1.MsgSend',
      sender: alice.address,
      module: 'bank',
      msg_index: '0',
    })
    const accSeq = txs[0].result.events[5].attributes[0]
    expect(accSeq).toMatchObject({key: 'acc_seq', value: `${alice.address}/0`})
    // The recipient exists now (the SDK creates accounts that receive coins).
    expect(account(c, bob.address)).toBeDefined()
  })

  it('rejects a tampered signature with sdk/4 and changes nothing', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const r = await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0, tamper: true}))
    expect(r).toMatchObject({code: 4, codespace: 'sdk'})
    expect(r.log).toMatch(/^signature verification failed; please verify account number \(\d+\) and chain-id \(edge-dev\)/)
    expect(c.app.mempoolSize()).toBe(0)
    expect(account(c, alice.address)!.sequence).toBe(0n)
    expect(balance(c, alice.address)).toBe(1_000_000n)
  })

  it('rejects a signature for another chain id with sdk/4', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const r = await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0, chainId: 'akashnet-2'}))
    expect(r).toMatchObject({code: 4, codespace: 'sdk'})
  })

  it('rejects a signature made with the wrong account number with sdk/4', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const r = await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number + 1, sequence: 0}))
    expect(r).toMatchObject({code: 4, codespace: 'sdk'})
  })

  it('rejects a wrong sequence with sdk/32, naming the expected one; pending txs advance the expected sequence', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const wrong = await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 3}))
    expect(wrong).toMatchObject({code: 32, codespace: 'sdk', log: 'account sequence mismatch, expected 0, got 3: incorrect account sequence'})
    expect((await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0}))).code).toBe(0)
    expect((await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '2')], {accountNumber: number, sequence: 1}))).code).toBe(0)
    const {txs} = await c.app.produceBlock()
    expect(txs.map((t) => t.result.code)).toEqual([0, 0])
    expect(balance(c, bob.address)).toBe(3n)
  })

  it('rejects a fee below the minimum gas price with sdk/13', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const r = await c.app.checkTx(
      await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0, fee: {amount: [AKT(4999)], gas: '200000'}}),
    )
    expect(r).toMatchObject({code: 13, codespace: 'sdk', log: 'insufficient fees; got: 4999uakt required: 5000uakt: insufficient fee'})
    expect(balance(c, alice.address)).toBe(1_000_000n)
  })

  it('rejects a fee the payer cannot pay with sdk/5', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const r = await c.app.checkTx(
      await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0, fee: {amount: [AKT(2_000_000)], gas: '200000'}}),
    )
    expect(r).toMatchObject({code: 5, codespace: 'sdk'})
    expect(r.log).toContain('insufficient funds')
  })

  it('keeps fee and sequence but no message effect when a message fails in DeliverTx (sdk/5)', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    expect((await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '996000')], {accountNumber: number, sequence: 0}))).code).toBe(0)
    const {txs} = await c.app.produceBlock()
    expect(txs[0].result).toMatchObject({code: 5, codespace: 'sdk'})
    expect(txs[0].result.log).toBe('failed to execute message; message index: 0: spendable balance 995000uakt is smaller than 996000uakt: insufficient funds')
    expect(balance(c, alice.address)).toBe(995_000n)
    expect(balance(c, bob.address)).toBe(0n)
    expect(account(c, alice.address)!.sequence).toBe(1n)
    // Only the ante handler's events remain.
    expect(txs[0].result.events.every((e) => !e.attributes.some((a) => a.key === 'msg_index'))).toBe(true)
  })

  it('runs all messages atomically: a failing second message rolls back the first', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const tx = await signTx(alice, [sendMsg(alice.address, bob.address, '100'), sendMsg(alice.address, bob.address, '5000000')], {accountNumber: number, sequence: 0})
    expect((await c.app.checkTx(tx)).code).toBe(0)
    const {txs} = await c.app.produceBlock()
    expect(txs[0].result.code).toBe(5)
    expect(txs[0].result.log).toMatch(/^failed to execute message; message index: 1: /)
    expect(balance(c, bob.address)).toBe(0n)
  })

  it('refuses to move uact with MsgSend (bank/5 send disabled)', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '10', 'uact')], {accountNumber: number, sequence: 0}))
    const {txs} = await c.app.produceBlock()
    expect(txs[0].result).toMatchObject({code: 5, codespace: 'bank'})
    expect(txs[0].result.log).toContain('uact transfers are currently disabled')
    expect(balance(c, alice.address, 'uact')).toBe(500n)
  })

  it('refuses a MsgMultiSend whose outputs name another denom than its input (uact cannot leave as uakt)', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const multi = (outDenom: string) => ({
      typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend',
      value: {inputs: [{address: alice.address, coins: [AKT(10)]}], outputs: [{address: bob.address, coins: [{denom: outDenom, amount: '10'}]}]},
    })
    await c.app.checkTx(await signTx(alice, [multi('uact')], {accountNumber: number, sequence: 0}))
    await c.app.checkTx(await signTx(alice, [multi('uakt')], {accountNumber: number, sequence: 1}))
    const {txs} = await c.app.produceBlock()
    expect(txs[0].result).toMatchObject({code: 4, codespace: 'bank'})
    expect(txs[0].result.log).toContain('sum inputs != sum outputs')
    expect(balance(c, bob.address, 'uact')).toBe(0n)
    expect(balance(c, alice.address, 'uact')).toBe(500n)
    expect(txs[1].result.code).toBe(0)
    expect(balance(c, bob.address)).toBe(10n)
  })

  it('fails out of gas with sdk/11 when the limit is too low for the messages', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    // Enough for the ante handler (fee, public key, sequence), not for creating bob's account.
    const tx = await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0, fee: {amount: [AKT(2000)], gas: '80000'}})
    expect((await c.app.checkTx(tx)).code).toBe(0)
    const {txs} = await c.app.produceBlock()
    expect(txs[0].result).toMatchObject({code: 11, codespace: 'sdk', gasWanted: 80000})
    expect(txs[0].result.log).toMatch(/^out of gas in location: \w+; gasWanted: 80000, gasUsed: \d+: out of gas$/)
    expect(txs[0].result.gasUsed).toBeGreaterThan(80000)
    expect(balance(c, bob.address)).toBe(0n)
    expect(balance(c, alice.address)).toBe(998_000n)
  })

  it('answers an unknown message type with sdk/2 tx parse error', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const r = await c.app.checkTx(await signTx(alice, [vote(alice.address, 1, 1)], {accountNumber: number, sequence: 0}))
    expect(r).toMatchObject({code: 2, codespace: 'sdk', log: 'unable to resolve type URL /cosmos.gov.v1beta1.MsgVote: tx parse error'})
  })

  it('runs a module message: validateBasic at CheckTx, typed events, writes discarded on failure, block hooks', async () => {
    const c = chain([probeModule()])
    const number = Number(account(c, alice.address)!.accountNumber)
    const invalid = await c.app.checkTx(await signTx(alice, [vote(alice.address, 1, 4)], {accountNumber: number, sequence: 0}))
    expect(invalid).toMatchObject({code: 7, codespace: 'probe'})

    await c.app.checkTx(await signTx(alice, [vote(alice.address, 7, 1)], {accountNumber: number, sequence: 0}))
    await c.app.checkTx(await signTx(alice, [vote(alice.address, 8, 3)], {accountNumber: number, sequence: 1}))
    const {block, txs} = await c.app.produceBlock()
    expect(txs.map((t) => t.result.code)).toEqual([0, 9])
    const store = c.app.queryContext().store
    expect(store.has('probe/7')).toBe(true)
    expect(store.has('probe/8')).toBe(false)
    const typed = txs[0].result.events.find((e) => e.type === 'cosmos.gov.v1beta1.MsgVote')!
    expect(typed.attributes.map((a) => a.key)).toEqual(['option', 'proposal_id', 'voter', 'msg_index'])
    expect(typed.attributes.find((a) => a.key === 'voter')!.value).toBe(JSON.stringify(alice.address))
    expect(typed.attributes.find((a) => a.key === 'proposal_id')!.value).toBe('"7"')
    expect(typed.attributes.find((a) => a.key === 'option')!.value).toBe('"VOTE_OPTION_YES"')
    expect(block.events[0]).toMatchObject({type: 'probe_begin'})
    expect(block.events[0].attributes.at(-1)).toMatchObject({key: 'mode', value: 'BeginBlock'})
    expect(new TextDecoder().decode(store.get('probe/begin'))).toBe(String(block.height))
  })

  it('simulates gas without signatures and without changing state', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const signed = await signTx(alice, [sendMsg(alice.address, bob.address, '5')], {accountNumber: number, sequence: 0})
    const sim = c.app.simulate(signed)
    expect(sim.gasUsed).toBeGreaterThan(50_000)
    expect(sim.msgResponses[0].typeUrl).toBe('/cosmos.bank.v1beta1.MsgSendResponse')
    expect(balance(c, bob.address)).toBe(0n)
    expect(() => c.app.simulate(new Uint8Array([1, 2, 3]))).toThrow(TxError)
  })

  it('mints faucet funds in the next block and records them in its events', async () => {
    const c = chain()
    const funded = c.app.fund(bob.address, [{denom: 'uact', amount: 42n}])
    const {block} = await c.app.produceBlock()
    expect(await funded).toBe(block.height)
    expect(balance(c, bob.address, 'uact')).toBe(42n)
    expect(block.events.map((e) => e.type)).toEqual(['coin_received', 'coinbase', 'coin_spent', 'coin_received', 'transfer', 'message'])
    const supply = c.app.queryContext().bank.supply('uact')
    expect(supply).toBe(542n)
  })

  it('answers queries through the router with committed state only', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    await c.app.checkTx(await signTx(alice, [sendMsg(alice.address, bob.address, '9')], {accountNumber: number, sequence: 0}))
    const query = async () =>
      QueryBalanceResponse.decode(
        await c.app.queries.queryBytes('/cosmos.bank.v1beta1.Query/Balance', QueryBalanceRequest.encode(QueryBalanceRequest.fromPartial({address: bob.address, denom: 'uakt'})).finish()),
      ).balance!.amount
    expect(await query()).toBe('0')
    await c.app.produceBlock()
    expect(await query()).toBe('9')
  })
})

describe('chain data', () => {
  it('refuses to open another chain id over existing data, saying how to get past it', () => {
    const c = chain()
    const other = new DevApp({db: c.db, chainId: 'other-chain', modules: [], minGasPrices: []})
    expect(() => other.initChain(defaultDevGenesis({chainId: 'other-chain', accounts: []}))).toThrow(
      expect.objectContaining({name: 'ChainError', exitCode: 6, message: expect.stringContaining('"edge-dev", not "other-chain"'), hint: expect.stringContaining('edge dev reset')}),
    )
  })
})

describe('a block that cannot be stored', () => {
  it('keeps its txs and faucet requests for the next block', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const signed = await signTx(alice, [sendMsg(alice.address, bob.address, '7')], {accountNumber: number, sequence: 0})
    const check = await c.app.checkTx(signed)
    expect(check.code).toBe(0)
    const funded = c.app.fund(bob.address, [{denom: 'uact', amount: 3n}])
    const commit = c.db.commitBlock.bind(c.db)
    c.db.commitBlock = () => {
      throw new Error('SQLITE_FULL: database or disk is full')
    }
    await expect(c.app.produceBlock()).rejects.toThrow(/disk is full/)
    expect(c.app.height()).toBe(0)
    expect(c.app.mempoolSize()).toBe(1)
    c.db.commitBlock = commit
    const {block, txs} = await c.app.produceBlock()
    expect(txs.map((t) => [t.hash, t.result.code])).toEqual([[check.hash, 0]])
    expect(await funded).toBe(block.height)
    expect(balance(c, bob.address)).toBe(7n)
    expect(balance(c, bob.address, 'uact')).toBe(3n)
  })
})

describe('mempool over CometBFT RPC', () => {
  it('lists pending txs in order with unconfirmed_txs, and counts their bytes', async () => {
    const c = chain()
    const number = Number(account(c, alice.address)!.accountNumber)
    const first = await signTx(alice, [sendMsg(alice.address, bob.address, '1')], {accountNumber: number, sequence: 0})
    const second = await signTx(alice, [sendMsg(alice.address, bob.address, '2')], {accountNumber: number, sequence: 1})
    for (const tx of [first, second]) expect((await c.app.checkTx(tx)).code).toBe(0)
    const ctx = {app: c.app, renderer: new CometRenderer('edge-dev', validatorIdentity(new Uint8Array(32).fill(1))), rpcAddress: '', commitTimeoutMs: 1000}
    const bytes = String(first.length + second.length)
    expect(await methods.unconfirmed_txs(ctx, new RpcParams({}, false))).toEqual({
      n_txs: '2',
      total: '2',
      total_bytes: bytes,
      txs: [Buffer.from(first).toString('base64'), Buffer.from(second).toString('base64')],
    })
    expect(await methods.unconfirmed_txs(ctx, new RpcParams({limit: '1'}, true))).toMatchObject({n_txs: '1', total: '2', txs: [Buffer.from(first).toString('base64')]})
    expect(await methods.num_unconfirmed_txs(ctx, new RpcParams({}, false))).toEqual({n_txs: '2', total: '2', total_bytes: bytes, txs: null})
    await c.app.produceBlock()
    expect(await methods.unconfirmed_txs(ctx, new RpcParams({}, false))).toEqual({n_txs: '0', total: '0', total_bytes: '0', txs: []})
  })
})
