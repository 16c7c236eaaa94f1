/**
 * The REST gateway prints JSON as the node's grpc-gateway does (gogoproto jsonpb, OrigName,
 * EmitDefaults), shapes taken from a v2.1.0-rc12 localnet (shared/design/akash-protocol-2026.md §5):
 * enums by name (also their zero value), 64-bit integers and ResourceValue.val as decimal strings,
 * LegacyDecs with 18 decimals, Anys with their fields (`pub_key.key`), `pagination.total` counted
 * when no limit is given, and the node's genesis bank and deployment params.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK, createStargateClient} from '@akashnetwork/chain-sdk'
import {DirectSecp256k1HdWallet} from '@cosmjs/proto-signing'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, startDevnet} from '../../../../src/devnet/index.js'
import {MNEMONICS} from '../core/helpers.js'
import {createDeployment, createProvider} from '../modules/builders.js'

let dir: string
let devnet: Devnet
let tenant: string
let provider: string
let dseq: bigint

async function rest(path: string): Promise<{status: number; body: any}> {
  const response = await fetch(devnet.endpoints.rest + path)
  return {status: response.status, body: await response.json()}
}

function sdkFor(mnemonic: string) {
  return createChainNodeSDK({
    query: {baseUrl: devnet.endpoints.grpc},
    tx: {signer: createStargateClient({baseUrl: devnet.endpoints.rpc, signerMnemonic: mnemonic, gasMultiplier: 1.5, stargateOptions: {broadcastPollIntervalMs: 50}})},
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-rest-json-'))
  tenant = (await (await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.alice, {prefix: 'akash'})).getAccounts())[0].address
  provider = (await (await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.bob, {prefix: 'akash'})).getAccounts())[0].address
  devnet = await startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: 40,
    accounts: [
      {address: tenant, coins: [{denom: 'uact', amount: '100000000'}, {denom: 'uakt', amount: '1000000000'}]},
      {address: provider, coins: [{denom: 'uakt', amount: '100000000'}]},
    ],
  })
  await sdkFor(MNEMONICS.bob).akash.provider.v1beta4.createProvider(createProvider(provider, [{key: 'region', value: 'local'}]))
  dseq = BigInt(devnet.height() + 1)
  await sdkFor(MNEMONICS.alice).akash.deployment.v1beta4.createDeployment(
    createDeployment(tenant, dseq, {groups: [{attributes: [{key: 'region', value: 'local'}], units: [{price: '12.5'}]}]}) as never,
  )
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('REST JSON as the node prints it', () => {
  it('a deployment: enum names (zero included), decimal strings for ResourceValue and int64, 18-decimal prices', async () => {
    const {status, body} = await rest(`/akash/deployment/v1beta4/deployments/info?id.owner=${tenant}&id.dseq=${dseq}`)
    expect(status).toBe(200)
    expect(body.deployment).toMatchObject({id: {owner: tenant, dseq: dseq.toString()}, state: 'active', created_at: expect.stringMatching(/^\d+$/)})
    const resource = body.groups[0].group_spec.resources[0]
    expect(resource.resource.cpu.units).toEqual({val: '500'})
    expect(resource.resource.memory.quantity).toEqual({val: String(512 * 1024 * 1024)})
    expect(resource.resource.endpoints).toEqual([{kind: 'SHARED_HTTP', sequence_number: 0}])
    expect(resource.price).toEqual({denom: 'uact', amount: '12.500000000000000000'})
    expect(body.escrow_account.id).toEqual({scope: 'deployment', xid: `${tenant}/${dseq}`})
    // The Depositor record as node v2.1 has it: no `direct` field (removed before mainnet v2.0.0).
    expect(body.escrow_account.state.deposits).toEqual([
      {owner: tenant, height: expect.stringMatching(/^\d+$/), source: 'balance', balance: {denom: 'uact', amount: expect.stringMatching(/^\d+\.0{18}$/)}},
    ])
  })

  it('the validator set: the consensus key as {"@type", "key"}, total counted', async () => {
    const {body} = await rest('/cosmos/base/tendermint/v1beta1/validatorsets/latest')
    expect(body.validators[0].pub_key).toEqual({'@type': '/cosmos.crypto.ed25519.PubKey', key: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/)})
    expect(body.validators[0].voting_power).toMatch(/^\d+$/)
    expect(body.pagination).toEqual({next_key: null, total: '1'})
  })

  it('counts pagination.total when the request gives no limit (the SDK default), not when it does', async () => {
    expect((await rest(`/cosmos/bank/v1beta1/balances/${tenant}`)).body.pagination).toEqual({next_key: null, total: '2'})
    expect((await rest('/cosmos/bank/v1beta1/supply')).body.pagination.total).toBe('2')
    expect((await rest('/cosmos/bank/v1beta1/denoms_metadata')).body.pagination.total).toBe('2')
    expect((await rest('/akash/provider/v1beta4/providers')).body.pagination).toEqual({next_key: null, total: '1'})
    expect((await rest(`/cosmos/bank/v1beta1/balances/${tenant}?pagination.limit=1`)).body.pagination).toMatchObject({total: '0'})
  })

  it('bank send_enabled and denom metadata as `akash genesis init` writes them', async () => {
    expect((await rest('/cosmos/bank/v1beta1/send_enabled')).body).toEqual({
      send_enabled: [
        {denom: 'uact', enabled: false},
        {denom: 'uakt', enabled: true},
      ],
      pagination: {next_key: null, total: '2'},
    })
    const {body} = await rest('/cosmos/bank/v1beta1/denoms_metadata/uact')
    expect(body.metadata).toEqual({
      description: 'Akash Compute Token',
      denom_units: [
        {denom: 'uact', exponent: 0, aliases: []},
        {denom: 'mact', exponent: 3, aliases: []},
        {denom: 'act', exponent: 6, aliases: []},
      ],
      base: 'uact',
      display: 'uact',
      name: 'Akash Compute Token',
      symbol: 'ACT',
      uri: '',
      uri_hash: '',
    })
    expect((await rest('/cosmos/bank/v1beta1/denoms_metadata/uakt')).body.metadata).toMatchObject({name: 'Akash Native Token', display: 'akt', symbol: 'AKT'})
  })

  it('deployment params list min_deposits in the node\'s order', async () => {
    expect((await rest('/akash/deployment/v1beta4/params')).body.params.min_deposits).toEqual([
      {denom: 'uakt', amount: '500000'},
      {denom: 'uact', amount: '500000'},
    ])
  })
})
