/**
 * The Cosmos modules a v2.1 node serves and edge dev used to answer 501: what a one-validator
 * localnet answers, over REST (the shapes and 404/empty-list answers of the node's gateway) and
 * over gRPC through chain-sdk.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK} from '@akashnetwork/chain-sdk'
import {toBech32} from '@cosmjs/encoding'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, startDevnet} from '../../../../src/devnet/index.js'

const SOMEONE = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'
const EMPTY_PAGE = {next_key: null, total: '0'}

let dir: string
let devnet: Devnet
let operator: string
let selfDelegator: string

async function rest(path: string): Promise<{status: number; body: any}> {
  const response = await fetch(devnet.endpoints.rest + path)
  return {status: response.status, body: await response.json()}
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-single-validator-'))
  devnet = await startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: 50,
    accounts: [{address: SOMEONE, coins: [{denom: 'uakt', amount: '1000000000'}]}],
  })
  const {body} = await rest('/cosmos/staking/v1beta1/validators')
  operator = body.validators[0].operator_address
  selfDelegator = (await rest(`/cosmos/staking/v1beta1/validators/${operator}/delegations`)).body.delegation_responses[0].delegation.delegator_address
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('staking, distribution, slashing: one bonded validator', () => {
  it('lists the validator with its ed25519 consensus key, bonded, with the stake behind its voting power', async () => {
    const {status, body} = await rest('/cosmos/staking/v1beta1/validators')
    expect(status).toBe(200)
    expect(body.pagination).toEqual({next_key: null, total: '1'})
    const v = body.validators[0]
    expect(v).toMatchObject({
      operator_address: expect.stringMatching(/^akashvaloper1/),
      consensus_pubkey: {'@type': '/cosmos.crypto.ed25519.PubKey', key: expect.any(String)},
      jailed: false,
      status: 'BOND_STATUS_BONDED',
      tokens: '10000000',
      delegator_shares: '10000000.000000000000000000',
      unbonding_time: '1970-01-01T00:00:00Z',
      min_self_delegation: '1',
    })
    expect(v.commission.commission_rates).toEqual({rate: '0.100000000000000000', max_rate: '0.200000000000000000', max_change_rate: '0.010000000000000000'})
    expect((await rest(`/cosmos/staking/v1beta1/validators/${operator}`)).body.validator.operator_address).toBe(operator)
    expect((await rest('/cosmos/staking/v1beta1/validators?status=BOND_STATUS_UNBONDING')).body).toEqual({validators: [], pagination: EMPTY_PAGE})
  })

  it('answers an unknown validator with 404 and a bad address with 400', async () => {
    const unknown = toBech32('akashvaloper', new Uint8Array(20).fill(7))
    const missing = await rest(`/cosmos/staking/v1beta1/validators/${unknown}`)
    expect(missing).toEqual({status: 404, body: {code: 5, message: `validator ${unknown} not found`, details: []}})
    expect((await rest('/cosmos/staking/v1beta1/validators/nonsense')).status).toBe(400)
  })

  it("gives an address's delegations (none for a wallet, the self-delegation for the operator), pool and params", async () => {
    expect((await rest(`/cosmos/staking/v1beta1/delegations/${SOMEONE}`)).body).toEqual({delegation_responses: [], pagination: EMPTY_PAGE})
    expect((await rest(`/cosmos/staking/v1beta1/delegations/${selfDelegator}`)).body.delegation_responses).toEqual([
      {delegation: {delegator_address: selfDelegator, validator_address: operator, shares: '10000000.000000000000000000'}, balance: {denom: 'uakt', amount: '10000000'}},
    ])
    expect((await rest(`/cosmos/staking/v1beta1/validators/${operator}/delegations/${SOMEONE}`)).status).toBe(404)
    expect((await rest(`/cosmos/staking/v1beta1/delegators/${SOMEONE}/unbonding_delegations`)).body).toEqual({unbonding_responses: [], pagination: EMPTY_PAGE})
    expect((await rest('/cosmos/staking/v1beta1/pool')).body).toEqual({pool: {not_bonded_tokens: '0', bonded_tokens: '10000000'}})
    expect((await rest('/cosmos/staking/v1beta1/params')).body.params).toEqual({
      unbonding_time: '1814400s',
      max_validators: 100,
      max_entries: 7,
      historical_entries: 10000,
      bond_denom: 'uakt',
      min_commission_rate: '0.000000000000000000',
    })
  })

  it('reports rewards (none earned), the community pool and distribution params', async () => {
    expect((await rest(`/cosmos/distribution/v1beta1/delegators/${SOMEONE}/rewards`)).body).toEqual({rewards: [], total: []})
    expect((await rest(`/cosmos/distribution/v1beta1/delegators/${selfDelegator}/rewards`)).body).toEqual({rewards: [{validator_address: operator, reward: []}], total: []})
    expect((await rest(`/cosmos/distribution/v1beta1/delegators/${SOMEONE}/withdraw_address`)).body).toEqual({withdraw_address: SOMEONE})
    expect((await rest('/cosmos/distribution/v1beta1/community_pool')).body).toEqual({pool: []})
    expect((await rest('/cosmos/distribution/v1beta1/params')).body.params).toEqual({
      community_tax: '0.020000000000000000',
      base_proposer_reward: '0.000000000000000000',
      bonus_proposer_reward: '0.000000000000000000',
      withdraw_addr_enabled: true,
    })
  })

  it('has the validator signing every block', async () => {
    const {body} = await rest('/cosmos/slashing/v1beta1/signing_infos')
    expect(body.pagination.total).toBe('1')
    expect(body.info[0]).toMatchObject({address: expect.stringMatching(/^akashvalcons1/), tombstoned: false, missed_blocks_counter: '0', jailed_until: '1970-01-01T00:00:00Z'})
    expect((await rest('/cosmos/slashing/v1beta1/params')).body.params).toEqual({
      signed_blocks_window: '100',
      min_signed_per_window: '0.500000000000000000',
      downtime_jail_duration: '600s',
      slash_fraction_double_sign: '0.050000000000000000',
      slash_fraction_downtime: '0.010000000000000000',
    })
  })
})

describe('mint, gov, upgrade, consensus', () => {
  it('reports the genesis inflation and the provisions it gives on the AKT supply', async () => {
    expect((await rest('/cosmos/mint/v1beta1/inflation')).body).toEqual({inflation: '0.130000000000000000'})
    const supply = BigInt((await rest('/cosmos/bank/v1beta1/supply/by_denom?denom=uakt')).body.amount.amount)
    expect((await rest('/cosmos/mint/v1beta1/annual_provisions')).body).toEqual({annual_provisions: `${(supply * 13n) / 100n}.${String(((supply * 13n) % 100n) * 10n ** 16n).padStart(18, '0')}`})
    expect((await rest('/cosmos/mint/v1beta1/params')).body.params).toMatchObject({mint_denom: 'uakt', inflation_max: '0.200000000000000000', blocks_per_year: '6311520'})
  })

  it('has no proposals, answers for one with 404, and gives gov params', async () => {
    expect((await rest('/cosmos/gov/v1/proposals')).body).toEqual({proposals: [], pagination: EMPTY_PAGE})
    expect((await rest('/cosmos/gov/v1beta1/proposals')).body).toEqual({proposals: [], pagination: EMPTY_PAGE})
    expect(await rest('/cosmos/gov/v1/proposals/1')).toEqual({status: 404, body: {code: 5, message: "proposal 1 doesn't exist", details: []}})
    const params = (await rest('/cosmos/gov/v1/params/voting')).body
    expect(params.voting_params).toEqual({voting_period: '172800s'})
    expect(params.params).toMatchObject({min_deposit: [{denom: 'uakt', amount: '10000000'}], quorum: '0.334000000000000000', expedited_voting_period: '86400s'})
    expect((await rest('/cosmos/gov/v1beta1/params/tallying')).body.tally_params).toEqual({quorum: '0.334000000000000000', threshold: '0.500000000000000000', veto_threshold: '0.334000000000000000'})
    expect((await rest('/cosmos/gov/v1/params/bogus')).status).toBe(400)
  })

  it('has no upgrade plan and CometBFT default consensus params', async () => {
    expect((await rest('/cosmos/upgrade/v1beta1/current_plan')).body).toEqual({plan: null})
    expect((await rest('/cosmos/upgrade/v1beta1/applied_plan/v2.1.0')).body).toEqual({height: '0'})
    expect((await rest('/cosmos/consensus/v1/params')).body.params).toMatchObject({block: {max_bytes: '22020096', max_gas: '-1'}, validator: {pub_key_types: ['ed25519']}})
  })
})

describe('feegrant, authz, ibc, wasm: empty', () => {
  it('answers grant lists empty and a single grant 404', async () => {
    expect((await rest(`/cosmos/feegrant/v1beta1/allowances/${SOMEONE}`)).body).toEqual({allowances: [], pagination: EMPTY_PAGE})
    expect((await rest(`/cosmos/feegrant/v1beta1/allowance/${selfDelegator}/${SOMEONE}`)).status).toBe(404)
    expect((await rest(`/cosmos/authz/v1beta1/grants/grantee/${SOMEONE}`)).body).toEqual({grants: [], pagination: EMPTY_PAGE})
    expect((await rest(`/cosmos/authz/v1beta1/grants?granter=${selfDelegator}&grantee=${SOMEONE}`)).body).toEqual({grants: [], pagination: EMPTY_PAGE})
  })

  it('has no IBC channel or client and no wasm code', async () => {
    const channels = (await rest('/ibc/core/channel/v1/channels')).body
    expect(channels).toEqual({channels: [], pagination: EMPTY_PAGE, height: {revision_number: '0', revision_height: expect.stringMatching(/^\d+$/)}})
    expect((await rest('/ibc/core/client/v1/client_states')).body).toEqual({client_states: [], pagination: EMPTY_PAGE})
    expect((await rest('/cosmwasm/wasm/v1/code')).body).toEqual({code_infos: [], pagination: EMPTY_PAGE})
    expect((await rest('/cosmwasm/wasm/v1/code/1')).status).toBe(404)
  })
})

describe('over gRPC, through chain-sdk', () => {
  it('answers staking, gov and mint as the REST gateway does', async () => {
    const sdk = createChainNodeSDK({query: {baseUrl: devnet.endpoints.grpc}})
    const validators = await sdk.cosmos.staking.v1beta1.getValidators({status: ''})
    expect(validators.validators.map((v) => v.operatorAddress)).toEqual([operator])
    expect((await sdk.cosmos.gov.v1.getProposals({proposalStatus: 0, voter: '', depositor: ''})).proposals).toEqual([])
    expect((await sdk.cosmos.staking.v1beta1.getParams({})).params?.bondDenom).toBe('uakt')
  })
})
