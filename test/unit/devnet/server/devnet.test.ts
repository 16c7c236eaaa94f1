import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK} from '@akashnetwork/chain-sdk'
import {createChainNodeWebSDK} from '@akashnetwork/chain-sdk/web'
import {DirectSecp256k1HdWallet} from '@cosmjs/proto-signing'
import {ed25519} from '@noble/curves/ed25519'
import {GasPrice, SigningStargateClient, StargateClient} from '@cosmjs/stargate'
import {Comet38Client, WebsocketClient} from '@cosmjs/tendermint-rpc'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, startDevnet} from '../../../../src/devnet/index.js'
import {authModule} from '../../../../src/devnet/modules/auth/index.js'
import {bankModule} from '../../../../src/devnet/modules/bank/index.js'
import {MNEMONICS} from '../core/helpers.js'

let dir: string
let devnet: Devnet
let wallet: DirectSecp256k1HdWallet
let alice: string
let bob: string
let signing: SigningStargateClient
let client: StargateClient
let sentHash: string
let sentHeight: number

async function start(): Promise<Devnet> {
  return startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: 0,
    accounts: [{address: alice, coins: [{denom: 'uakt', amount: '1000000000'}, {denom: 'uact', amount: '20000000'}]}],
    modules: [authModule(), bankModule()],
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-devnet-server-'))
  wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.alice, {prefix: 'akash'})
  alice = (await wallet.getAccounts())[0].address
  bob = (await (await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.bob, {prefix: 'akash'})).getAccounts())[0].address
  devnet = await start()
  client = await StargateClient.connect(devnet.endpoints.rpc)
  signing = await SigningStargateClient.connectWithSigner(devnet.endpoints.rpc, wallet, {
    gasPrice: GasPrice.fromString('0.025uakt'),
    broadcastPollIntervalMs: 50,
  })
  const result = await signing.sendTokens(alice, bob, [{denom: 'uakt', amount: '4242'}], 'auto', 'hello')
  expect(result.code).toBe(0)
  sentHash = result.transactionHash
  sentHeight = result.height
})

afterAll(async () => {
  client?.disconnect()
  signing?.disconnect()
  await devnet?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('cosmjs StargateClient against edge dev', () => {
  it('reads chain id, height, accounts and balances', async () => {
    expect(await client.getChainId()).toBe('edge-dev')
    expect(await client.getHeight()).toBeGreaterThanOrEqual(sentHeight)
    const account = await client.getAccount(alice)
    expect(account).toMatchObject({address: alice, sequence: 1})
    expect(account?.pubkey?.type).toBe('tendermint/PubKeySecp256k1')
    expect(await client.getBalance(bob, 'uakt')).toEqual({denom: 'uakt', amount: '4242'})
    expect(await client.getAllBalances(alice)).toEqual([
      {denom: 'uact', amount: '20000000'},
      expect.objectContaining({denom: 'uakt'}),
    ])
    expect(await client.getAccount(bob)).toMatchObject({address: bob, sequence: 0})
  })

  it('finds the sent tx by hash, sender and height', async () => {
    const tx = await client.getTx(sentHash)
    expect(tx).toMatchObject({hash: sentHash, height: sentHeight, code: 0})
    expect(tx!.events.some((e) => e.type === 'transfer')).toBe(true)
    const bySender = await client.searchTx(`message.sender='${alice}'`)
    expect(bySender.map((t) => t.hash)).toContain(sentHash)
    const byHeight = await client.searchTx(`tx.height=${sentHeight}`)
    expect(byHeight.map((t) => t.hash)).toEqual([sentHash])
    const block = await client.getBlock(sentHeight)
    expect(block.txs).toHaveLength(1)
    expect(block.header.chainId).toBe('edge-dev')
  })

  it('reports a rejected broadcast with its code', async () => {
    await expect(signing.sendTokens(alice, bob, [{denom: 'uakt', amount: '1'}], {amount: [{denom: 'uakt', amount: '1'}], gas: '200000'})).rejects.toThrow(
      /code 13/,
    )
  })

  it('includes a failed DeliverTx with its code (uact is not transferable)', async () => {
    const result = await signing.sendTokens(alice, bob, [{denom: 'uact', amount: '1'}], {amount: [{denom: 'uakt', amount: '5000'}], gas: '200000'})
    expect(result.code).toBe(5)
    expect(result.rawLog).toContain('send transactions are disabled')
  })
})

describe('CometBFT RPC', () => {
  it('speaks 0.38 to cosmjs Comet38Client: status, block results, blockchain, validators, genesis', async () => {
    const comet = await Comet38Client.connect(devnet.endpoints.rpc)
    const status = await comet.status()
    expect(status.nodeInfo.version).toMatch(/^0\.38\./)
    expect(status.nodeInfo.network).toBe('edge-dev')
    const results = await comet.blockResults(sentHeight)
    expect(results.results).toHaveLength(1)
    expect(results.results[0].code).toBe(0)
    const chain = await comet.blockchain(1, sentHeight)
    expect(chain.blockMetas[0].header.height).toBe(sentHeight)
    expect((await comet.validators({})).total).toBe(1)
    const genesis = await comet.genesis()
    expect(genesis.chainId).toBe('edge-dev')
    expect(await comet.abciInfo()).toMatchObject({lastBlockHeight: expect.any(Number)})
    const tx = await comet.tx({hash: Buffer.from(sentHash, 'hex')})
    expect(tx.height).toBe(sentHeight)
    comet.disconnect()
  })

  it('answers the URI form and JSON-RPC errors as CometBFT does', async () => {
    const status = await (await fetch(`${devnet.endpoints.rpc}/status`)).json()
    expect(status.result.node_info.version).toMatch(/^0\.38\./)
    const block = await (await fetch(`${devnet.endpoints.rpc}/block?height=${sentHeight}`)).json()
    expect(block.result.block.header.height).toBe(String(sentHeight))
    const search = await (await fetch(`${devnet.endpoints.rpc}/tx_search?query="tx.height=${sentHeight}"&per_page=5`)).json()
    expect(search.result.total_count).toBe('1')
    // A URI string must be quoted; CometBFT reads an unquoted one as JSON and refuses it.
    const unquoted = await fetch(`${devnet.endpoints.rpc}/tx_search?query=tx.height=${sentHeight}`)
    expect(unquoted.status).toBe(500)
    expect(await unquoted.json()).toMatchObject({error: {code: -32602, data: "error converting http params to arguments: invalid character 't' looking for beginning of value"}})
    const future = await fetch(`${devnet.endpoints.rpc}/block?height=99999`)
    expect(future.status).toBe(500)
    expect((await future.json()).error.data).toMatch(/must be less than or equal to the current blockchain height/)
    const missing = await fetch(devnet.endpoints.rpc, {method: 'POST', body: JSON.stringify({jsonrpc: '2.0', id: 7, method: 'nope', params: {}})})
    expect(await missing.json()).toMatchObject({id: 7, error: {code: -32601}})
    const query = await fetch(devnet.endpoints.rpc, {
      method: 'POST',
      body: JSON.stringify({jsonrpc: '2.0', id: 8, method: 'abci_query', params: {path: '/no.Such/Query', data: ''}}),
    })
    expect((await query.json()).result.response).toMatchObject({code: 6, codespace: 'sdk'})
  })

  it('pushes NewBlock and Tx events to websocket subscribers', async () => {
    const ws = new WebsocketClient(devnet.endpoints.rpc.replace(/^http/, 'ws') + '/websocket')
    const comet = Comet38Client.create(ws)
    const gotTx = new Promise<{height: number; code: number}>((resolve, reject) => {
      const sub = comet.subscribeTx(`message.sender='${alice}'`).subscribe({
        next: (event) => {
          sub.unsubscribe()
          resolve({height: event.height, code: event.result.code})
        },
        error: reject,
      })
    })
    const gotBlock = new Promise<number>((resolve, reject) => {
      const sub = comet.subscribeNewBlock().subscribe({
        next: (block) => {
          sub.unsubscribe()
          resolve(block.header.height)
        },
        error: reject,
      })
    })
    await new Promise((r) => setTimeout(r, 100))
    const result = await signing.sendTokens(alice, bob, [{denom: 'uakt', amount: '1'}], 'auto')
    expect(await gotTx).toEqual({height: result.height, code: 0})
    expect(await gotBlock).toBeGreaterThan(0)
    comet.disconnect()
  })

  it('includes a tx with broadcast_tx_commit and finds blocks by hash', async () => {
    const comet = await Comet38Client.connect(devnet.endpoints.rpc)
    const account = await client.getAccount(alice)
    const signed = await signing.sign(alice, [{typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: {fromAddress: alice, toAddress: bob, amount: [{denom: 'uakt', amount: '3'}]}}], {amount: [{denom: 'uakt', amount: '5000'}], gas: '200000'}, '', {accountNumber: account!.accountNumber, sequence: account!.sequence, chainId: 'edge-dev'})
    const {TxRaw} = await import('cosmjs-types/cosmos/tx/v1beta1/tx')
    const committed = await comet.broadcastTxCommit({tx: TxRaw.encode(signed).finish()})
    expect(committed.checkTx.code).toBe(0)
    expect(committed.txResult?.code).toBe(0)
    expect(committed.height).toBeGreaterThan(0)
    const block = await comet.block(committed.height)
    const byHash = await (await fetch(`${devnet.endpoints.rpc}/block_by_hash?hash=0x${Buffer.from(block.blockId.hash).toString('hex')}`)).json()
    expect(byHash.result.block.header.height).toBe(String(committed.height))
    comet.disconnect()
  })

  it('funds an address through edge_fund in the next block', async () => {
    const res = await fetch(devnet.endpoints.rpc, {
      method: 'POST',
      body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'edge_fund', params: {address: bob, coins: [{denom: 'uact', amount: '3000000'}]}}),
    })
    const body = await res.json()
    expect(body.result.height).toMatch(/^\d+$/)
    expect(await client.getBalance(bob, 'uact')).toEqual({denom: 'uact', amount: '3000000'})
    const bad = await fetch(devnet.endpoints.rpc, {
      method: 'POST',
      body: JSON.stringify({jsonrpc: '2.0', id: 2, method: 'edge_fund', params: {address: 'nope', coins: [{denom: 'uact', amount: '1'}]}}),
    })
    expect((await bad.json()).error.code).toBe(-32602)
  })
})

describe('gRPC and REST', () => {
  it('serves chain-sdk createChainNodeSDK over gRPC', async () => {
    const sdk = createChainNodeSDK({query: {baseUrl: devnet.endpoints.grpc}})
    const balances = await sdk.cosmos.bank.v1beta1.getAllBalances({address: bob})
    expect(balances.balances.find((b) => b.denom === 'uakt')?.amount).toMatch(/^\d+$/)
    const account = await sdk.cosmos.auth.v1beta1.getAccount({address: alice})
    expect(account.account?.typeUrl).toBe('/cosmos.auth.v1beta1.BaseAccount')
    const node = await sdk.cosmos.base.tendermint.v1beta1.getNodeInfo({})
    expect(node.defaultNodeInfo?.network).toBe('edge-dev')
    const tx = await sdk.cosmos.tx.v1beta1.getTx({hash: sentHash})
    expect(Number(tx.txResponse?.height)).toBe(sentHeight)
    await expect(sdk.cosmos.auth.v1beta1.getAccount({address: 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'})).rejects.toMatchObject({code: 5})
    const info = await sdk.cosmos.auth.v1beta1.getAccountInfo({address: alice})
    expect(info.info?.address).toBe(alice)
    expect(Number(info.info?.sequence)).toBeGreaterThanOrEqual(1)
    expect(info.info?.pubKey?.typeUrl).toBe('/cosmos.crypto.secp256k1.PubKey')
    await expect(sdk.cosmos.auth.v1beta1.getAccountInfo({address: 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'})).rejects.toMatchObject({code: 5})
  })

  it('serves blocks over gRPC whose last commit is signed by the dev validator, as over RPC', async () => {
    const sdk = createChainNodeSDK({query: {baseUrl: devnet.endpoints.grpc}})
    const {block, sdkBlock} = await sdk.cosmos.base.tendermint.v1beta1.getBlockByHeight({height: BigInt(sentHeight)})
    const signature = block!.lastCommit!.signatures[0].signature
    const status = await (await fetch(`${devnet.endpoints.rpc}/status`)).json()
    const validatorKey = Buffer.from(status.result.validator_info.pub_key.value, 'base64')
    expect(ed25519.verify(signature, block!.lastCommit!.blockId!.hash, validatorKey)).toBe(true)
    const commit = await (await fetch(`${devnet.endpoints.rpc}/commit?height=${sentHeight - 1}`)).json()
    expect(Buffer.from(signature).toString('base64')).toBe(commit.result.signed_header.commit.signatures[0].signature)
    expect(sdkBlock!.lastCommit!.signatures[0].signature).toEqual(signature)
    expect(sdkBlock!.header!.proposerAddress).toMatch(/^akashvalcons1/)
    expect(Buffer.from(block!.header!.proposerAddress).toString('hex').toUpperCase()).toBe(status.result.validator_info.address)
  })

  it('serves the REST gateway in the SDK JSON form, also to createChainNodeWebSDK', async () => {
    const res = await fetch(`${devnet.endpoints.rest}/cosmos/auth/v1beta1/accounts/${alice}`)
    const body = await res.json()
    expect(body.account['@type']).toBe('/cosmos.auth.v1beta1.BaseAccount')
    expect(body.account.account_number).toMatch(/^\d+$/)
    const balance = await (await fetch(`${devnet.endpoints.rest}/cosmos/bank/v1beta1/balances/${bob}/by_denom?denom=uakt`)).json()
    expect(balance.balance.denom).toBe('uakt')
    const missing = await fetch(`${devnet.endpoints.rest}/cosmos/auth/v1beta1/accounts/akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({code: 5, message: expect.stringContaining('not found')})
    const txs = await (await fetch(`${devnet.endpoints.rest}/cosmos/tx/v1beta1/txs?query=${encodeURIComponent(`tx.height=${sentHeight}`)}`)).json()
    expect(txs.tx_responses[0].txhash).toBe(sentHash)
    const node = await (await fetch(`${devnet.endpoints.rest}/cosmos/base/tendermint/v1beta1/node_info`)).json()
    expect(node.default_node_info.network).toBe('edge-dev')
    // Simulate and broadcast through the gateway's POST routes.
    const account = await client.getAccount(alice)
    const signed = await signing.sign(alice, [{typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: {fromAddress: alice, toAddress: bob, amount: [{denom: 'uakt', amount: '2'}]}}], {amount: [{denom: 'uakt', amount: '5000'}], gas: '200000'}, '', {accountNumber: account!.accountNumber, sequence: account!.sequence, chainId: 'edge-dev'})
    const {TxRaw} = await import('cosmjs-types/cosmos/tx/v1beta1/tx')
    const txBytes = Buffer.from(TxRaw.encode(signed).finish()).toString('base64')
    const sim = await (await fetch(`${devnet.endpoints.rest}/cosmos/tx/v1beta1/simulate`, {method: 'POST', body: JSON.stringify({tx_bytes: txBytes})})).json()
    expect(Number(sim.gas_info.gas_used)).toBeGreaterThan(0)
    const sent = await (await fetch(`${devnet.endpoints.rest}/cosmos/tx/v1beta1/txs`, {method: 'POST', body: JSON.stringify({tx_bytes: txBytes, mode: 'BROADCAST_MODE_SYNC'})})).json()
    expect(sent.tx_response.code).toBe(0)
    expect(sent.tx_response.txhash).toMatch(/^[0-9A-F]{64}$/)
    const web = createChainNodeWebSDK({query: {baseUrl: devnet.endpoints.rest}})
    const viaWeb = await web.cosmos.bank.v1beta1.getBalance({address: bob, denom: 'uakt'})
    expect(viaWeb.balance?.denom).toBe('uakt')
  })
})

describe('persistence', () => {
  it('resumes at the same height with the same balances after a restart', async () => {
    const height = devnet.height()
    const before = await client.getAllBalances(bob)
    client.disconnect()
    signing.disconnect()
    await devnet.stop()
    devnet = await start()
    client = await StargateClient.connect(devnet.endpoints.rpc)
    signing = await SigningStargateClient.connectWithSigner(devnet.endpoints.rpc, wallet, {gasPrice: GasPrice.fromString('0.025uakt')})
    expect(devnet.height()).toBe(height)
    expect(await client.getAllBalances(bob)).toEqual(before)
    expect(await client.getTx(sentHash)).toMatchObject({height: sentHeight})
  })
})
