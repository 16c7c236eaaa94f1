/**
 * x/bme (akash.bme.v1): MsgMintACT (burn AKT → ACT), MsgBurnACT (ACT → AKT) and MsgBurnMint, all
 * queued and executed in EndBlock at the next epoch, as node v2.1 does; queries Params,
 * VaultState, Status and LedgerRecords.
 */
import {
  MintStatus,
  MsgBurnACT,
  MsgBurnACTResponse,
  MsgBurnMint,
  MsgBurnMintResponse,
  MsgMintACT,
  MsgMintACTResponse,
  Params,
  QueryLedgerRecordsRequest,
  QueryLedgerRecordsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryStatusRequest,
  QueryStatusResponse,
  QueryVaultStateRequest,
  QueryVaultStateResponse,
  LedgerPendingRecord,
  LedgerRecord,
  LedgerRecordStatus,
  Status,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {Context, Module, MsgRoute, QueryRoute} from '../../types.js'
import {addressError} from '../common/address.js'
import {coinAmount, coinError, DENOM_UACT, DENOM_UAKT, isValidDenom, type ProtoCoin} from '../common/coins.js'
import {decFromInt, decQuo, formatDec} from '../common/dec.js'
import {Grpc, queryStatus, SdkErr} from '../common/errors.js'
import {i64, u64} from '../common/long.js'
import {paginatePrefixes} from '../common/pagination.js'
import {
  BME_KEYS,
  BME_MODULE,
  BmeErr,
  BmeKeeper,
  type CoinJson,
  fatalReason,
  type LedgerId,
  parseLedgerPath,
  supplyOf,
  toLedgerRecordID,
} from './keeper.js'

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
  /** USD per whole token (edge dev has no oracle); ACT must be present. */
  prices: Record<string, string>
  /** Coins minted into the vault at genesis (uakt), so the collateral ratio lets mints through. */
  vaultSeed: CoinJson[]
}

export interface BmeGenesisOptions {
  epochBlocks?: number
  aktPriceUsd?: string
  vaultSeedUakt?: bigint
  minMintUact?: bigint
  mintSpreadBps?: number
}

/** Mainnet v2.1 defaults (bme/v1/params.go), with edge dev's fixed prices and vault seed. */
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
    prices: {[DENOM_UAKT]: opts.aktPriceUsd ?? '1', [DENOM_UACT]: '1'},
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

const STATUS_FILTERS: Record<string, LedgerRecordStatus | 'canceled'> = {
  ledger_record_status_pending: LedgerRecordStatus.ledger_record_status_pending,
  ledger_record_status_executed: LedgerRecordStatus.ledger_record_status_executed,
  // node v2.1 also keeps canceled records; chain-sdk alpha.25 cannot encode them in a response.
  ledger_record_status_canceled: 'canceled',
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

  function endBlock(ctx: Context): void {
    const params = keeper.getParams(ctx)
    const config = keeper.getConfig(ctx)
    const height = BigInt(ctx.height)
    let processed = 0

    const executeOne = (id: LedgerId, record: LedgerPendingRecord): boolean => {
      try {
        keeper.executeBurnMint(ctx, id, record)
      } catch (err) {
        const reason = fatalReason(err)
        if (reason) {
          keeper.cancelBurnMint(ctx, id, record, reason)
        } else {
          const attempts = keeper.attempts(ctx, id) + 1
          if (attempts >= config.maxPendingAttempts) keeper.cancelBurnMint(ctx, id, record, 'max_attempts')
          else keeper.setAttempts(ctx, id, attempts)
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

  const paramsQuery: QueryRoute<QueryParamsRequest, QueryParamsResponse> = {
    path: '/akash.bme.v1.Query/Params',
    http: '/akash/bme/v1/params',
    request: QueryParamsRequest,
    response: QueryParamsResponse,
    handle: (ctx) => QueryParamsResponse.fromPartial({params: keeper.getParams(ctx)}),
  }

  const vaultState: QueryRoute<QueryVaultStateRequest, QueryVaultStateResponse> = {
    path: '/akash.bme.v1.Query/VaultState',
    http: '/akash/bme/v1/vault',
    request: QueryVaultStateRequest,
    response: QueryVaultStateResponse,
    handle(ctx) {
      const vault = ctx.bank.moduleAddress(BME_MODULE)
      const balances = new Map<string, bigint>()
      for (const c of ctx.bank.balances(vault)) balances.set(c.denom, c.amount)
      // node adds the ACT held outside the vault (supply − vault balance) to the balances.
      const supply = supplyOf(ctx, DENOM_UACT)
      if (supply !== undefined) {
        const outside = supply - ctx.bank.balance(vault, DENOM_UACT)
        balances.set(DENOM_UACT, (balances.get(DENOM_UACT) ?? 0n) + outside)
      }
      const coins = [...balances]
        .filter(([, amount]) => amount !== 0n)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([denom, amount]) => ({denom, amount: amount.toString()}))
      return QueryVaultStateResponse.fromPartial({
        vaultState: {
          balances: coins,
          totalBurned: keeper.counters(ctx, BME_KEYS.totalBurned),
          totalMinted: keeper.counters(ctx, BME_KEYS.totalMinted),
          remintCredits: keeper.counters(ctx, BME_KEYS.remint),
        },
      })
    },
  }

  const statusQuery: QueryRoute<QueryStatusRequest, QueryStatusResponse> = {
    path: '/akash.bme.v1.Query/Status',
    http: '/akash/bme/v1/status',
    request: QueryStatusRequest,
    response: QueryStatusResponse,
    handle(ctx) {
      const params = keeper.getParams(ctx)
      const status = keeper.getStatus(ctx).status
      const cr = keeper.collateralRatio(ctx)
      const bps = (n: number) => formatDec(decQuo(decFromInt(BigInt(n)), decFromInt(10000n)))
      return QueryStatusResponse.fromPartial({
        status,
        collateralRatio: formatDec(cr),
        warnThreshold: bps(params.circuitBreakerWarnThreshold),
        haltThreshold: bps(params.circuitBreakerHaltThreshold),
        mintsAllowed: status < MintStatus.mint_status_halt_cr,
        refundsAllowed: status < MintStatus.mint_status_halt_oracle,
      })
    },
  }

  const ledgerRecords: QueryRoute<QueryLedgerRecordsRequest, QueryLedgerRecordsResponse> = {
    path: '/akash.bme.v1.Query/LedgerRecords',
    http: '/akash/bme/v1/ledger',
    request: QueryLedgerRecordsRequest,
    response: QueryLedgerRecordsResponse,
    handle(ctx, req) {
      const f = {
        source: req.filters?.source ?? '',
        denom: req.filters?.denom ?? '',
        toDenom: req.filters?.toDenom ?? '',
        status: req.filters?.status ?? '',
      }
      if (req.pagination && u64(req.pagination.offset) > 0n && f.status === '') {
        throw queryStatus(Grpc.invalidArgument, 'invalid request parameters. if offset is set, filter.status must be provided')
      }
      let statuses: LedgerRecordStatus[] = [
        LedgerRecordStatus.ledger_record_status_pending,
        LedgerRecordStatus.ledger_record_status_executed,
      ]
      if (f.status !== '') {
        const wanted = STATUS_FILTERS[f.status]
        if (wanted === undefined) throw queryStatus(Grpc.invalidArgument, 'invalid status filter value')
        statuses = wanted === 'canceled' ? [] : [wanted]
      }
      const prefixes = statuses.map((s) =>
        s === LedgerRecordStatus.ledger_record_status_pending ? BME_KEYS.pending : BME_KEYS.ledger,
      )
      const page = paginatePrefixes(ctx.store, prefixes, req.pagination, (key, value) => {
        const pending = key.startsWith(BME_KEYS.pending)
        const id = parseLedgerPath(key.slice((pending ? BME_KEYS.pending : BME_KEYS.ledger).length))
        if (f.denom && f.denom !== id.denom) return undefined
        if (f.toDenom && f.toDenom !== id.toDenom) return undefined
        if (f.source && f.source !== id.source) return undefined
        return pending
          ? {
              id: toLedgerRecordID(id),
              status: LedgerRecordStatus.ledger_record_status_pending,
              pendingRecord: LedgerPendingRecord.decode(value),
            }
          : {
              id: toLedgerRecordID(id),
              status: LedgerRecordStatus.ledger_record_status_executed,
              executedRecord: LedgerRecord.decode(value),
            }
      })
      return QueryLedgerRecordsResponse.fromPartial({records: page.items, pagination: page.pagination})
    },
  }

  return {
    name: 'bme',
    msgs: [mint, burnAct, burnMint],
    queries: [paramsQuery, vaultState, statusQuery, ledgerRecords],
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
      if (genesis.prices[DENOM_UACT] === undefined || genesis.prices[DENOM_UAKT] === undefined) {
        throw new Error('bme genesis: prices for uakt and uact are required')
      }

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
        }),
      )
      keeper.setConfig(ctx, {minMint: p.minMint, maxPendingAttempts: p.maxPendingAttempts, prices: genesis.prices})
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
