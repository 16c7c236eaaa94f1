/**
 * x/bme (akash.bme.v1): MsgMintACT (burn AKT → ACT), MsgBurnACT (ACT → AKT) and MsgBurnMint, all
 * queued and executed in EndBlock at the next epoch, as node v2.1 does; MsgFundVault (governance
 * only); queries in queries.ts.
 */
import {
  EventVaultFunded,
  LedgerPendingRecord,
  MintStatus,
  MsgBurnACT,
  MsgBurnACTResponse,
  MsgBurnMint,
  MsgBurnMintResponse,
  MsgFundVault,
  MsgFundVaultResponse,
  MsgMintACT,
  MsgMintACTResponse,
  Params,
  Status,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {Context, Module, MsgRoute} from '../../types.js'
import {addressError} from '../common/address.js'
import {coinAmount, coinError, DENOM_UACT, DENOM_UAKT, isValidDenom, type ProtoCoin} from '../common/coins.js'
import {SdkErr} from '../common/errors.js'
import {requireGovAuthority} from '../common/gov.js'
import {i64} from '../common/long.js'
import {BME_KEYS, BME_MODULE, BmeErr, BmeKeeper, CancelReason, type CoinJson, fatalReason, type LedgerId, parseLedgerPath, toLedgerRecordID} from './keeper.js'
import {bmeQueries} from './queries.js'

export * from './keeper.js'

export interface BmeGenesis {
  params: {
    /** Collateral ratio in basis points at which mints slow down (9500 = 0.95). */
    circuitBreakerWarnThreshold: number
    /** …and stop (9000 = 0.90). */
    circuitBreakerHaltThreshold: number
    /** Blocks between mint/burn epochs. */
    minEpochBlocks: number
    epochBlocksBackoffPercent: number
    /** AKT → ACT spread kept by the vault (25 = 0.25%). */
    mintSpreadBps: number
    /** ACT → AKT spread. */
    settleSpreadBps: number
    maxEndblockerRecords: number
    maxPendingAttempts: number
    /** Smallest output per denom; smaller requests are refunded at the epoch. */
    minMint: CoinJson[]
  }
  /** Coins minted into the vault at genesis (uakt), so the collateral ratio lets mints through. */
  vaultSeed: CoinJson[]
}

export interface BmeGenesisOptions {
  epochBlocks?: number
  vaultSeedUakt?: bigint
  minMintUact?: bigint
  mintSpreadBps?: number
}

/** Mainnet v2.1 defaults (bme/v1/params.go), with edge dev's vault seed. */
export function defaultBmeGenesis(opts: BmeGenesisOptions = {}): BmeGenesis {
  return {
    params: {
      circuitBreakerWarnThreshold: 9500,
      circuitBreakerHaltThreshold: 9000,
      minEpochBlocks: opts.epochBlocks ?? 10,
      epochBlocksBackoffPercent: 10,
      mintSpreadBps: opts.mintSpreadBps ?? 25,
      settleSpreadBps: 0,
      maxEndblockerRecords: 50,
      maxPendingAttempts: 3,
      minMint: [{denom: DENOM_UACT, amount: (opts.minMintUact ?? 10_000_000n).toString()}],
    },
    // Mainnet's vault got 300,000 AKT at v2.0.0; edge dev seeds 10,000,000 so that ACT handed out
    // at genesis or by the faucet (up to ~10.5M at AKT = 1 USD) keeps the collateral ratio above
    // the 0.95 warn line and mints stay open.
    vaultSeed: [{denom: DENOM_UAKT, amount: (opts.vaultSeedUakt ?? 10_000_000_000_000n).toString()}],
  }
}

function validateBurnMintMsg(msg: {owner: string; to: string; coinsToBurn?: ProtoCoin}): void {
  const ownerErr = addressError(msg.owner)
  if (ownerErr) throw SdkErr.invalidAddress.wrap(`invalid owner address: ${ownerErr}`)
  const toErr = addressError(msg.to)
  if (toErr) throw SdkErr.invalidAddress.wrap(`invalid to address: ${toErr}`)
  if (msg.owner !== msg.to) throw BmeErr.unauthorized.wrap('owner and to addresses must match')
  const coinErr = coinError(msg.coinsToBurn)
  if (coinErr) throw SdkErr.invalidCoins.wrap(`invalid coins: ${coinErr}`)
  if (coinAmount(msg.coinsToBurn) === 0n) throw BmeErr.invalidAmount.wrap('amount must not be 0')
}

function validateBurnMint(msg: MsgBurnMint): void {
  validateBurnMintMsg(msg)
  if (!isValidDenom(msg.denomToMint)) {
    throw BmeErr.invalidDenom.wrap(`invalid denom to mint: invalid denom: ${msg.denomToMint}`)
  }
}

function validateFundVault(msg: MsgFundVault): void {
  const err = addressError(msg.authority)
  if (err) throw BmeErr.unauthorized.wrap(`invalid authority address: ${err}`)
  if (coinError(msg.amount) || coinAmount(msg.amount) <= 0n) throw BmeErr.invalidAmount.wrap('amount must be positive')
  if (msg.amount!.denom !== DENOM_UAKT) throw BmeErr.invalidDenom.wrap(`expected uakt, got ${msg.amount!.denom}`)
}

export function bmeModule(keeper: BmeKeeper = new BmeKeeper()): Module & {keeper: BmeKeeper} {
  function request(ctx: Context, msg: {owner: string; to: string; coinsToBurn?: ProtoCoin}, toDenom: string): LedgerId {
    const burn = {denom: msg.coinsToBurn!.denom, amount: coinAmount(msg.coinsToBurn)}
    return keeper.requestBurnMint(ctx, msg.owner, msg.to, burn, toDenom)
  }

  const mint: MsgRoute<MsgMintACT> = {
    codec: MsgMintACT,
    signers: (msg) => [msg.owner],
    validateBasic: validateBurnMintMsg,
    handle(ctx, msg) {
      const id = request(ctx, msg, DENOM_UACT)
      return MsgMintACTResponse.encode(MsgMintACTResponse.fromPartial({id: toLedgerRecordID(id)})).finish()
    },
  }

  const burnAct: MsgRoute<MsgBurnACT> = {
    codec: MsgBurnACT,
    signers: (msg) => [msg.owner],
    validateBasic: validateBurnMintMsg,
    handle(ctx, msg) {
      const id = request(ctx, msg, DENOM_UAKT)
      return MsgBurnACTResponse.encode(MsgBurnACTResponse.fromPartial({id: toLedgerRecordID(id)})).finish()
    },
  }

  const burnMint: MsgRoute<MsgBurnMint> = {
    codec: MsgBurnMint,
    signers: (msg) => [msg.owner],
    validateBasic: validateBurnMint,
    handle(ctx, msg) {
      const id = request(ctx, msg, msg.denomToMint)
      return MsgBurnMintResponse.encode(MsgBurnMintResponse.fromPartial({id: toLedgerRecordID(id)})).finish()
    },
  }

  /** Governance moves AKT from an account into the vault (replaced MsgSeedVault before mainnet). */
  const fundVault: MsgRoute<MsgFundVault> = {
    codec: MsgFundVault,
    signers: (msg) => [msg.authority],
    validateBasic: validateFundVault,
    handle(ctx, msg) {
      requireGovAuthority(ctx, msg.authority)
      const sourceErr = addressError(msg.source)
      if (sourceErr) throw SdkErr.invalidAddress.wrap(sourceErr)
      if (!ctx.accounts.get(msg.source)) throw BmeErr.invalidAddress.wrap(`account ${msg.source} does not exist`)
      const amount = {denom: msg.amount!.denom, amount: coinAmount(msg.amount)}
      const vault = ctx.bank.moduleAddress(BME_MODULE)
      ctx.bank.send(msg.source, vault, [amount])
      const balance = {denom: amount.denom, amount: ctx.bank.balance(vault, amount.denom).toString()}
      ctx.events.emitTyped(EventVaultFunded, EventVaultFunded.fromPartial({amount: msg.amount, source: msg.source, newVaultBalance: balance}))
      return MsgFundVaultResponse.encode({}).finish()
    },
  }

  function endBlock(ctx: Context): void {
    const params = keeper.getParams(ctx)
    const height = BigInt(ctx.height)
    let processed = 0

    const executeOne = (id: LedgerId, record: LedgerPendingRecord): boolean => {
      try {
        keeper.executeBurnMint(ctx, id, record)
      } catch (err) {
        const reason = fatalReason(err)
        if (reason !== undefined) {
          keeper.cancelBurnMint(ctx, id, record, reason)
        } else {
          // A retriable failure (no healthy price, say): counted in the pending record itself.
          const attempts = record.attempts + 1
          if (attempts >= params.maxPendingAttempts) keeper.cancelBurnMint(ctx, id, record, CancelReason.max_attempts)
          else keeper.putPending(ctx, id, {...record, attempts})
        }
      }
      processed++
      return processed >= params.maxEndblockerRecords
    }

    const iteratePending = (route: string) => {
      const prefix = `${BME_KEYS.pending}${route}/`
      const entries = [...ctx.store.iterate(prefix)].map(([key, value]) => ({
        id: parseLedgerPath(key.slice(BME_KEYS.pending.length)),
        record: LedgerPendingRecord.decode(value),
      }))
      for (const {id, record} of entries) if (executeOne(id, record)) break
    }

    // ACT → AKT requests run every MinEpochBlocks, whatever the breaker says.
    let burnEpoch = keeper.getEpoch(ctx, 'burn')
    const burnEpochBefore = burnEpoch
    if (burnEpoch <= height) {
      burnEpoch = height + i64(params.minEpochBlocks)
      iteratePending(`${DENOM_UACT}/${DENOM_UAKT}`)
    }
    if (burnEpoch !== burnEpochBefore) keeper.setEpoch(ctx, 'burn', burnEpoch)

    // AKT → ACT requests run on the mint epoch, only while the breaker allows mints.
    const {status, changed} = keeper.statusUpdate(ctx)
    let mintEpoch = keeper.getEpoch(ctx, 'mint')
    const mintEpochBefore = mintEpoch
    const allowed = status.status <= MintStatus.mint_status_warning
    if (changed && status.previousStatus >= MintStatus.mint_status_halt_cr && allowed) {
      mintEpoch = height + i64(status.epochHeightDiff)
    } else if (allowed && mintEpoch === height) {
      mintEpoch = height + i64(status.epochHeightDiff)
      iteratePending(`${DENOM_UAKT}/${DENOM_UACT}`)
      keeper.statusUpdate(ctx)
    }
    if (mintEpoch !== mintEpochBefore) keeper.setEpoch(ctx, 'mint', mintEpoch)
  }

  return {
    name: 'bme',
    msgs: [mint, burnAct, burnMint, fundVault],
    queries: bmeQueries(keeper),
    initGenesis(ctx, state) {
      const genesis = (state as BmeGenesis | undefined) ?? defaultBmeGenesis()
      const p = genesis.params
      if (p.minEpochBlocks <= 0) throw new Error('bme genesis: min_epoch_blocks must be positive')
      if (p.circuitBreakerWarnThreshold > 10000 || p.circuitBreakerHaltThreshold > 10000) {
        throw new Error('bme genesis: circuit breaker thresholds cannot exceed 10000')
      }
      if (p.circuitBreakerWarnThreshold <= p.circuitBreakerHaltThreshold) {
        throw new Error('bme genesis: warn threshold must be greater than halt threshold')
      }
      if (p.mintSpreadBps > 1000 || p.settleSpreadBps > 1000) throw new Error('bme genesis: spread cannot exceed 1000 bps')
      if (p.epochBlocksBackoffPercent > 100) throw new Error('bme genesis: epoch_blocks_backoff cannot exceed 100%')

      keeper.setParams(
        ctx,
        Params.fromPartial({
          circuitBreakerWarnThreshold: p.circuitBreakerWarnThreshold,
          circuitBreakerHaltThreshold: p.circuitBreakerHaltThreshold,
          minEpochBlocks: BigInt(p.minEpochBlocks),
          epochBlocksBackoffPercent: p.epochBlocksBackoffPercent,
          mintSpreadBps: p.mintSpreadBps,
          settleSpreadBps: p.settleSpreadBps,
          maxEndblockerRecords: p.maxEndblockerRecords,
          minMint: p.minMint,
          maxPendingAttempts: p.maxPendingAttempts,
        }),
      )
      for (const denom of [DENOM_UACT, DENOM_UAKT]) {
        keeper.setCounter(ctx, BME_KEYS.totalBurned, denom, 0n)
        keeper.setCounter(ctx, BME_KEYS.totalMinted, denom, 0n)
      }
      keeper.setCounter(ctx, BME_KEYS.remint, DENOM_UAKT, 0n)
      // node starts halted; the first EndBlock computes the collateral ratio.
      keeper.setStatus(
        ctx,
        Status.fromPartial({status: MintStatus.mint_status_halt_cr, epochHeightDiff: BigInt(p.minEpochBlocks)}),
      )
      keeper.setEpoch(ctx, 'mint', BigInt(p.minEpochBlocks))
      keeper.setEpoch(ctx, 'burn', BigInt(p.minEpochBlocks))
      const seed = genesis.vaultSeed.filter((c) => BigInt(c.amount) > 0n)
      if (seed.length > 0) ctx.bank.mint(BME_MODULE, seed.map((c) => ({denom: c.denom, amount: BigInt(c.amount)})))
    },
    endBlock,
    keeper,
  }
}
