import {
  LedgerCanceledRecord_BMCancelReason,
  LedgerRecordStatus,
  MintStatus,
  MsgBurnACT,
  MsgBurnMint,
  MsgFundVault,
  MsgMintACT,
  type QueryLedgerRecordsResponse,
  type QueryParamsResponse,
  type QueryStatusResponse,
  type QueryVaultStateResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {describe, expect, it} from 'vitest'

import type {BmeKeeper} from '../../../../src/devnet/modules/bme/index.js'
import {address, FakeChain, moduleAddress} from './fake-chain.js'

const user = address('user')
const vault = moduleAddress('bme')
const Q = '/akash.bme.v1.Query/'
const coin = (denom: string, amount: bigint) => ({denom, amount: amount.toString()})

function chain(genesisOptions = {}) {
  return new FakeChain({funds: {[user]: {uakt: 1_000_000_000n}}, genesisOptions})
}

describe('bme mint and burn', () => {
  it('queues mints until the epoch, pays out minus 25 bps, and refunds a mint below 10 ACT', () => {
    const c = chain()
    // genesis starts halted, as node does; the first end block lifts the breaker
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 100_000_000n)})).toMatchObject({codespace: 'bme', code: 6})
    c.commit() // end of block 1: healthy, next mint epoch = 1 + 10
    expect(c.query<unknown, QueryStatusResponse>(`${Q}Status`, {})).toMatchObject({
      status: MintStatus.mint_status_healthy,
      mintsAllowed: true,
      refundsAllowed: true,
      warnThreshold: '0.95',
      haltThreshold: '0.9',
    })

    const queued = c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 100_000_000n)}, user)
    expect(queued.code, queued.log).toBe(0)
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 5_000_000n)}).code).toBe(0)
    expect(c.balance(user, 'uakt')).toBe(895_000_000n)
    expect(c.balance(vault, 'uakt')).toBe(10_000_105_000_000n)
    const pending = c.query<unknown, QueryLedgerRecordsResponse>(`${Q}LedgerRecords`, {filters: {source: user}})
    expect(pending.records.map((r) => [r.status, r.id?.sequence.toString(), r.pendingRecord?.coinsToBurn?.amount])).toEqual([
      [LedgerRecordStatus.ledger_record_status_pending, '1', '100000000'],
      [LedgerRecordStatus.ledger_record_status_pending, '2', '5000000'],
    ])

    c.commit(9) // ends blocks 2..10: nothing yet
    expect(c.balance(user, 'uact')).toBe(0n)
    c.commit() // end of block 11: the mint epoch
    expect(c.balance(user, 'uact')).toBe(99_750_000n)
    expect(c.balance(vault, 'uact')).toBe(250_000n) // the spread stays in the vault
    expect(c.balance(user, 'uakt')).toBe(900_000_000n) // 5 AKT came back: below the minimum mint
    expect(c.events.types()).toEqual(
      expect.arrayContaining(['akash.bme.v1.EventLedgerRecordExecuted', 'akash.bme.v1.EventLedgerRecordCanceled']),
    )
    const executed = c.query<unknown, QueryLedgerRecordsResponse>(`${Q}LedgerRecords`, {filters: {status: 'ledger_record_status_executed'}})
    expect(executed.records).toHaveLength(1)
    expect(executed.records[0].executedRecord).toMatchObject({
      burnedFrom: user,
      mintedTo: user,
      minted: {coin: coin('uact', 100_000_000n), price: '1'},
      remintCreditAccrued: {coin: coin('uakt', 100_000_000n), price: '1'},
    })
    const vaultState = c.query<unknown, QueryVaultStateResponse>(`${Q}VaultState`, {})
    expect(vaultState.vaultState).toMatchObject({
      remintCredits: [coin('uakt', 100_000_000n)],
      totalMinted: [coin('uact', 100_000_000n), coin('uakt', 0n)],
      totalBurned: [coin('uact', 0n), coin('uakt', 0n)],
    })
    // vault uact + the ACT held outside it = ACT supply
    expect(vaultState.vaultState?.balances).toEqual([coin('uact', 100_000_000n), coin('uakt', 10_000_100_000_000n)])

    // ACT → AKT runs on the burn epoch (every 10 blocks: 20, 30, …), paid from the remint credit
    const burn = c.deliver(MsgBurnACT, {owner: user, to: user, coinsToBurn: coin('uact', 50_000_000n)})
    expect(burn.code, burn.log).toBe(0)
    c.commit(7) // ends blocks 12..18
    expect(c.balance(user, 'uakt')).toBe(900_000_000n)
    c.commit(2) // ends 19, 20
    expect(c.balance(user, 'uakt')).toBe(950_000_000n)
    expect(c.balance(user, 'uact')).toBe(49_750_000n)
    expect(c.bank.supply('uact')).toBe(50_000_000n)
    const after = c.query<unknown, QueryVaultStateResponse>(`${Q}VaultState`, {}).vaultState
    expect(after?.remintCredits).toEqual([coin('uakt', 50_000_000n)])
    expect(after?.totalBurned).toEqual([coin('uact', 50_000_000n), coin('uakt', 0n)])
  })

  it('uses the genesis AKT price and epoch length', () => {
    const c = chain({aktPriceUsd: '2.5', epochBlocks: 3})
    c.commit() // end of 1: next mint epoch 4
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 10_000_000n)}).code).toBe(0)
    c.commit(2)
    expect(c.balance(user, 'uact')).toBe(0n)
    c.commit() // end of 4
    // 10 AKT × 2.5 = 25 ACT, minus 0.25% = 24.9375 ACT
    expect(c.balance(user, 'uact')).toBe(24_937_500n)
    const params = c.query<unknown, QueryParamsResponse>(`${Q}Params`, {})
    expect(params.params).toMatchObject({mintSpreadBps: 25, circuitBreakerWarnThreshold: 9500})
    expect(params.params?.minEpochBlocks.toString()).toBe('3')
  })

  it('validates like node', () => {
    const c = chain()
    c.commit()
    const other = address('other')
    expect(c.deliver(MsgMintACT, {owner: user, to: other, coinsToBurn: coin('uakt', 1n)})).toMatchObject({codespace: 'bme', code: 3})
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 0n)})).toMatchObject({codespace: 'bme', code: 8})
    expect(c.deliver(MsgMintACT, {owner: 'x', to: user, coinsToBurn: coin('uakt', 1n)})).toMatchObject({codespace: 'sdk', code: 7})
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uact', 1n)})).toMatchObject({codespace: 'bme', code: 9})
    expect(c.deliver(MsgBurnMint, {owner: user, to: user, coinsToBurn: coin('uakt', 1n), denomToMint: 'uakt'})).toMatchObject({
      codespace: 'bme',
      code: 9,
    })
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 2_000_000_000n)})).toMatchObject({codespace: 'sdk', code: 5})
    expect(() => c.query(`${Q}LedgerRecords`, {filters: {status: 'done'}})).toThrow(/invalid status filter value/)
  })
})

describe('bme v2.1: min_mint, canceled records, the oracle, governance', () => {
  it('accepts a mint below params.min_mint, then cancels it at the epoch (minimum_mint) and refunds the AKT', () => {
    const c = chain({minMintUact: 50_000_000n})
    expect(c.query<unknown, QueryParamsResponse>(`${Q}Params`, {}).params).toMatchObject({
      minMint: [coin('uact', 50_000_000n)],
      maxPendingAttempts: 3,
    })
    c.commit()
    const queued = c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 40_000_000n)})
    expect(queued.code, queued.log).toBe(0)
    expect(c.balance(user, 'uakt')).toBe(960_000_000n)
    c.events.list = []
    c.commit(10) // through the mint epoch
    expect(c.balance(user, 'uakt')).toBe(1_000_000_000n)
    expect(c.balance(user, 'uact')).toBe(0n)
    const canceled = c.query<unknown, QueryLedgerRecordsResponse>(`${Q}LedgerRecords`, {filters: {status: 'ledger_record_status_canceled'}})
    expect(canceled.records).toHaveLength(1)
    expect(canceled.records[0]).toMatchObject({
      status: LedgerRecordStatus.ledger_record_status_canceled,
      canceledRecord: {
        owner: user,
        to: user,
        cancelReason: LedgerCanceledRecord_BMCancelReason.minimum_mint,
        coinsToBurn: coin('uakt', 40_000_000n),
        denomToMint: 'uact',
      },
    })
    // Canceled records are listed with the others when no status is asked for.
    expect(c.query<unknown, QueryLedgerRecordsResponse>(`${Q}LedgerRecords`, {filters: {source: user}}).records).toHaveLength(1)
    const event = c.events.list.find((e) => e.type === 'akash.bme.v1.EventLedgerRecordCanceled')
    expect(event?.attributes.find((a) => a.key === 'cancel_reason')?.value).toBe('"minimum_mint"')
  })

  it('refuses mints while the oracle has no price (oracle.v2/4) and halts on the oracle', () => {
    const c = chain({aktPriceUsd: null})
    c.commit()
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 20_000_000n)})).toMatchObject({
      codespace: 'oracle.v2',
      code: 4,
    })
    expect(() => c.query(`${Q}Status`, {})).toThrow(/price stalled/)
    expect(c.context().keeper<BmeKeeper>('bme').getStatus(c.context()).status).toBe(MintStatus.mint_status_halt_oracle)
  })

  it('takes MsgFundVault from governance only (gov/13), and checks the coin first', () => {
    const c = chain()
    expect(c.deliver(MsgFundVault, {authority: user, amount: coin('uakt', 1n), source: user}, user)).toMatchObject({codespace: 'gov', code: 13})
    expect(c.deliver(MsgFundVault, {authority: user, amount: coin('uact', 1n), source: user}, user)).toMatchObject({codespace: 'bme', code: 9})
    expect(c.deliver(MsgFundVault, {authority: user, amount: coin('uakt', 0n), source: user}, user)).toMatchObject({codespace: 'bme', code: 8})
  })
})

describe('bme circuit breaker', () => {
  it('halts mints when outstanding ACT outgrows the vault, and still lets ACT be burned', () => {
    // vault 100 AKT at 1 USD vs 1000 ACT outstanding: CR 0.1, below the 0.90 halt line
    const c = new FakeChain({
      funds: {[user]: {uakt: 1_000_000_000n, uact: 1_000_000_000n}},
      genesisOptions: {vaultSeedUakt: 100_000_000n},
    })
    c.commit()
    expect(c.query<unknown, QueryStatusResponse>(`${Q}Status`, {})).toMatchObject({
      status: MintStatus.mint_status_halt_cr,
      mintsAllowed: false,
      refundsAllowed: true,
      collateralRatio: '0.1',
    })
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: coin('uakt', 20_000_000n)})).toMatchObject({codespace: 'bme', code: 6})
    expect(c.deliver(MsgBurnACT, {owner: user, to: user, coinsToBurn: coin('uact', 20_000_000n)}).code).toBe(0)
  })
})
