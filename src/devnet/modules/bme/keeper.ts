/**
 * x/bme keeper (node v2.1 x/bme/keeper): burn AKT to mint ACT (and back) through a vault, queued
 * and executed at epochs, with a collateral-ratio circuit breaker. Prices come from x/oracle
 * (`GetAggregatedPrice`: AKT's TWAP while healthy, ACT pegged to 1 USD).
 *
 * Store:
 *   bme/params, bme/status                  akash.bme.v1 Params, Status
 *   bme/epoch/{mint,burn}                   next epoch height
 *   bme/total/{minted,burned}/<denom>, bme/remint/<denom>, bme/pending-balance/<denom>
 *   bme/seq                                 ledger sequence of the current block
 *   bme/pending/<id>, bme/ledger/<id>       LedgerPendingRecord (with its attempts), LedgerRecord
 *   bme/canceled/<id>                       LedgerCanceledRecord
 * `<id>` = denom/to_denom/source/height/sequence, numbers fixed-width.
 */
import {
  EventLedgerRecordCanceled,
  EventLedgerRecordExecuted,
  EventMintStatusChange,
  LedgerCanceledRecord,
  LedgerCanceledRecord_BMCancelReason as CancelReason,
  LedgerPendingRecord,
  LedgerRecord,
  MintStatus,
  Params,
  Status,
  type LedgerRecordID,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import {padUint} from '../../paginate.js'
import type {Context} from '../../types.js'
import {DENOM_UACT, DENOM_UAKT} from '../common/coins.js'
import {DEC_ONE, decFromInt, decMul, decQuo, decTruncateInt, formatDec} from '../common/dec.js'
import {Grpc, ModuleError, register} from '../common/errors.js'
import {i64} from '../common/long.js'
import {OracleErr} from '../oracle/errors.js'
import type {OracleKeeper} from '../oracle/keeper.js'

export const BME_MODULE = 'bme'

const cs = 'bme'

export const BmeErr = {
  invalidParams: register(cs, 2, Grpc.invalidArgument, 'invalid parameters'),
  unauthorized: register(cs, 3, Grpc.unauthenticated, 'unauthorized'),
  oracleUnhealthy: register(cs, 5, Grpc.aborted, 'oracle is unhealthy'),
  circuitBreakerActive: register(cs, 6, Grpc.aborted, 'circuit breaker is active'),
  insufficientVaultFunds: register(cs, 7, Grpc.aborted, 'insufficient vault funds'),
  invalidAmount: register(cs, 8, Grpc.invalidArgument, 'invalid amount'),
  invalidDenom: register(cs, 9, Grpc.invalidArgument, 'invalid denomination'),
  invalidAddress: register(cs, 10, Grpc.invalidArgument, 'invalid address'),
  invalidSender: register(cs, 11, Grpc.invalidArgument, 'invalid sender'),
  zeroPrice: register(cs, 12, Grpc.internal, 'oracle price is zero'),
  recordExists: register(cs, 13, Grpc.alreadyExists, 'ledger record already exists'),
  mintFailed: register(cs, 14, Grpc.aborted, 'failed to mint tokens'),
  burnFailed: register(cs, 15, Grpc.aborted, 'failed to burn tokens'),
  epsilon: register(cs, 16, Grpc.aborted, 'result value is less then precision of the denom'),
  minimumMint: register(cs, 17, Grpc.aborted, 'minimum mint amount is not met'),
} as const

export {CancelReason}

export interface CoinJson {
  denom: string
  amount: string
}

export interface LedgerId {
  denom: string
  toDenom: string
  source: string
  height: bigint
  sequence: bigint
}

const P = 'bme/'
const K = {
  params: `${P}params`,
  status: `${P}status`,
  epochMint: `${P}epoch/mint`,
  epochBurn: `${P}epoch/burn`,
  seq: `${P}seq`,
  totalMinted: `${P}total/minted/`,
  totalBurned: `${P}total/burned/`,
  remint: `${P}remint/`,
  pendingBalance: `${P}pending-balance/`,
  pending: `${P}pending/`,
  ledger: `${P}ledger/`,
  canceled: `${P}canceled/`,
}
export const BME_KEYS = K

export function ledgerPath(id: LedgerId): string {
  return `${id.denom}/${id.toDenom}/${id.source}/${padUint(id.height)}/${padUint(id.sequence)}`
}

export function parseLedgerPath(path: string): LedgerId {
  const [denom, toDenom, source, height, sequence] = path.split('/')
  return {denom, toDenom, source, height: BigInt(height), sequence: BigInt(sequence)}
}

export function toLedgerRecordID(id: LedgerId): LedgerRecordID {
  return {
    denom: id.denom,
    toDenom: id.toDenom,
    source: id.source,
    height: BigInt(id.height),
    sequence: BigInt(id.sequence),
  }
}

const text = new TextEncoder()
const untext = new TextDecoder()

function getInt(ctx: Context, key: string): bigint | undefined {
  const raw = ctx.store.get(key)
  return raw === undefined ? undefined : BigInt(untext.decode(raw))
}

function setInt(ctx: Context, key: string, value: bigint): void {
  ctx.store.set(key, text.encode(value.toString()))
}

function getJson<T>(ctx: Context, key: string): T | undefined {
  const raw = ctx.store.get(key)
  return raw === undefined ? undefined : (JSON.parse(untext.decode(raw)) as T)
}

function setJson(ctx: Context, key: string, value: unknown): void {
  ctx.store.set(key, text.encode(JSON.stringify(value)))
}

/** Total supply of a denom, when the core's bank can tell it (see the report: Bank.supply). */
export function supplyOf(ctx: Context, denom: string): bigint | undefined {
  const bank = ctx.bank as Context['bank'] & {supply?: (denom: string) => bigint}
  return typeof bank.supply === 'function' ? bank.supply(denom) : undefined
}

export class BmeKeeper {
  getParams(ctx: Context): Params {
    const raw = ctx.store.get(K.params)
    return raw ? Params.decode(raw) : Params.fromPartial({})
  }

  setParams(ctx: Context, params: Params): void {
    ctx.store.set(K.params, Params.encode(params).finish())
  }

  getStatus(ctx: Context): Status {
    const raw = ctx.store.get(K.status)
    return raw ? Status.decode(raw) : Status.fromPartial({status: MintStatus.mint_status_halt_cr})
  }

  setStatus(ctx: Context, status: Status): void {
    ctx.store.set(K.status, Status.encode(status).finish())
  }

  getEpoch(ctx: Context, which: 'mint' | 'burn'): bigint {
    return getInt(ctx, which === 'mint' ? K.epochMint : K.epochBurn) ?? 0n
  }

  setEpoch(ctx: Context, which: 'mint' | 'burn', height: bigint): void {
    setInt(ctx, which === 'mint' ? K.epochMint : K.epochBurn, height)
  }

  /** The oracle's price (USD per token, Dec); throws oracle.v2/4 "price stalled" while it has none. */
  price(ctx: Context, denom: string): bigint {
    return ctx.keeper<OracleKeeper>('oracle').getAggregatedPrice(ctx, denom)
  }

  counter(ctx: Context, prefix: string, denom: string): bigint {
    return getInt(ctx, prefix + denom) ?? 0n
  }

  setCounter(ctx: Context, prefix: string, denom: string, value: bigint): void {
    setInt(ctx, prefix + denom, value)
  }

  counters(ctx: Context, prefix: string): CoinJson[] {
    const out: CoinJson[] = []
    for (const [key, value] of ctx.store.iterate(prefix)) {
      out.push({denom: key.slice(prefix.length), amount: untext.decode(value)})
    }
    return out
  }

  /** nextLedgerSeq: 1, 2, … within a block (node resets it in BeginBlock). */
  nextSequence(ctx: Context): bigint {
    const cur = getJson<{height: number; seq: string}>(ctx, K.seq)
    const seq = cur && cur.height === ctx.height ? BigInt(cur.seq) + 1n : 1n
    setJson(ctx, K.seq, {height: ctx.height, seq: seq.toString()})
    return seq
  }

  /** calculateCR: (vault uakt − pending uakt) × AKT/ACT price ÷ outstanding ACT. */
  collateralRatio(ctx: Context): bigint {
    const priceA = this.price(ctx, DENOM_UAKT)
    const priceB = this.price(ctx, DENOM_UACT)
    if (priceA === 0n || priceB === 0n) {
      throw BmeErr.zeroPrice.wrap(`oracle prices must be non-zero (AKT=${formatDec(priceA)}, ACT=${formatDec(priceB)})`)
    }
    const vault = ctx.bank.moduleAddress(BME_MODULE)
    const balanceA = ctx.bank.balance(vault, DENOM_UAKT) - this.counter(ctx, K.pendingBalance, DENOM_UAKT)
    let cr = decMul(decFromInt(balanceA), decQuo(priceA, priceB))
    const outstanding = supplyOf(ctx, DENOM_UACT) ?? 0n
    if (outstanding > 0n) cr = decQuo(cr, decFromInt(outstanding))
    return cr
  }

  /** mintStatusUpdate: recomputes the breaker; saves and emits when it changed. */
  statusUpdate(ctx: Context): {status: Status; changed: boolean} {
    const params = this.getParams(ctx)
    const prev = this.getStatus(ctx)
    const next: Status = {...prev}
    let cr = 0n
    try {
      cr = this.collateralRatio(ctx)
      let crInt = decTruncateInt(cr * 10000n)
      if (crInt > 0xffffffffn) crInt = 0xffffffffn
      const warn = BigInt(params.circuitBreakerWarnThreshold)
      const halt = BigInt(params.circuitBreakerHaltThreshold)
      if (crInt > warn) {
        next.status = MintStatus.mint_status_healthy
        next.epochHeightDiff = BigInt(blocksDiff(params, crInt))
      } else if (crInt > halt) {
        next.status = MintStatus.mint_status_warning
        next.epochHeightDiff = BigInt(blocksDiff(params, crInt))
      } else {
        next.status = MintStatus.mint_status_halt_cr
      }
    } catch (err) {
      next.status = BmeErr.zeroPrice.is(err) || OracleErr.priceStalled.is(err) ? MintStatus.mint_status_halt_oracle : MintStatus.mint_status_halt_cr
    }
    const changed =
      next.status !== prev.status ||
      next.previousStatus !== prev.previousStatus ||
      i64(next.epochHeightDiff) !== i64(prev.epochHeightDiff)
    if (changed) {
      next.previousStatus = prev.status
      this.setStatus(ctx, next)
      ctx.events.emitTyped(
        EventMintStatusChange,
        EventMintStatusChange.fromPartial({previousStatus: next.previousStatus, newStatus: next.status, collateralRatio: formatDec(cr)}),
      )
    }
    return {status: next, changed}
  }

  getPending(ctx: Context, id: LedgerId): LedgerPendingRecord | undefined {
    const raw = ctx.store.get(K.pending + ledgerPath(id))
    return raw ? LedgerPendingRecord.decode(raw) : undefined
  }

  putPending(ctx: Context, id: LedgerId, record: LedgerPendingRecord): void {
    ctx.store.set(K.pending + ledgerPath(id), LedgerPendingRecord.encode(record).finish())
  }

  removePending(ctx: Context, id: LedgerId): void {
    ctx.store.delete(K.pending + ledgerPath(id))
  }

  putLedger(ctx: Context, id: LedgerId, record: LedgerRecord): void {
    ctx.store.set(K.ledger + ledgerPath(id), LedgerRecord.encode(record).finish())
  }

  hasLedger(ctx: Context, id: LedgerId): boolean {
    return ctx.store.has(K.ledger + ledgerPath(id))
  }

  putCanceled(ctx: Context, id: LedgerId, record: LedgerCanceledRecord): void {
    ctx.store.set(K.canceled + ledgerPath(id), LedgerCanceledRecord.encode(record).finish())
  }

  getCanceled(ctx: Context, id: LedgerId): LedgerCanceledRecord | undefined {
    const raw = ctx.store.get(K.canceled + ledgerPath(id))
    return raw ? LedgerCanceledRecord.decode(raw) : undefined
  }

  /** RequestBurnMint: queues a burn/mint for the next epoch and takes the coins into the vault. */
  requestBurnMint(ctx: Context, owner: string, to: string, burn: {denom: string; amount: bigint}, toDenom: string): LedgerId {
    const route = (burn.denom === DENOM_UAKT && toDenom === DENOM_UACT) || (burn.denom === DENOM_UACT && toDenom === DENOM_UAKT)
    if (!route) throw BmeErr.invalidDenom.wrap(`invalid swap route ${burn.denom} -> ${toDenom}`)
    // No request is queued while the oracle has no healthy price (the error is the oracle's).
    this.price(ctx, burn.denom)
    this.price(ctx, toDenom)
    const status = this.getStatus(ctx).status
    if (status >= MintStatus.mint_status_halt_cr) {
      // While the collateral ratio is too low, only ACT → AKT refunds are let through.
      if (status > MintStatus.mint_status_halt_cr || !(burn.denom === DENOM_UACT && toDenom === DENOM_UAKT)) {
        throw BmeErr.circuitBreakerActive()
      }
    }
    const id: LedgerId = {denom: burn.denom, toDenom, source: owner, height: BigInt(ctx.height), sequence: this.nextSequence(ctx)}
    this.setCounter(ctx, K.pendingBalance, burn.denom, this.counter(ctx, K.pendingBalance, burn.denom) + burn.amount)
    ctx.bank.send(owner, ctx.bank.moduleAddress(BME_MODULE), [{denom: burn.denom, amount: burn.amount}])
    this.putPending(ctx, id, LedgerPendingRecord.fromPartial({
      owner,
      to,
      coinsToBurn: {denom: burn.denom, amount: burn.amount.toString()},
      denomToMint: toDenom,
    }))
    return id
  }

  /**
   * prepareToBM + mintACT/burnACT + recordState for one pending record. Every check runs before
   * the first write, so a failure leaves the store as it was (node uses a cache context).
   */
  executeBurnMint(ctx: Context, id: LedgerId, record: LedgerPendingRecord): void {
    const params = this.getParams(ctx)
    const burn = {denom: record.coinsToBurn?.denom ?? '', amount: BigInt(record.coinsToBurn?.amount || '0')}
    const toDenom = record.denomToMint
    if (burn.amount === 0n) throw BmeErr.invalidAmount.wrap('zero burn amount')

    const priceFrom = this.price(ctx, burn.denom)
    const priceTo = this.price(ctx, toDenom)
    if (priceFrom === 0n || priceTo === 0n) {
      throw BmeErr.zeroPrice.wrap(
        `oracle prices must be non-zero (${burn.denom}=${formatDec(priceFrom)}, ${toDenom}=${formatDec(priceTo)})`,
      )
    }
    const swapRate = decQuo(priceFrom, priceTo)
    if (burn.denom === DENOM_UACT) {
      const supply = supplyOf(ctx, DENOM_UACT)
      if (supply !== undefined && supply < burn.amount) {
        throw BmeErr.insufficientVaultFunds.wrap(`requested burn amount: ${burn.amount}${burn.denom} > ${supply}${burn.denom} (total supply)`)
      }
    }
    const mintDec = decMul(decFromInt(burn.amount), swapRate)
    const mintAmount = decTruncateInt(mintDec)
    if (mintAmount <= 0n) throw BmeErr.epsilon.wrap(`result ${formatDec(mintDec)} truncates to zero for ${toDenom}`)
    for (const min of params.minMint) {
      const minAmount = BigInt(min.amount)
      if (min.denom === toDenom && minAmount > 0n && mintAmount < minAmount) {
        throw BmeErr.minimumMint.wrap(`mint output ${mintAmount}${toDenom} is below minimum ${min.amount}${min.denom}`)
      }
    }
    const spreadBps = BigInt(burn.denom === DENOM_UAKT ? params.mintSpreadBps : params.settleSpreadBps)
    let spread = 0n
    if (spreadBps > 0n) {
      const s = decTruncateInt(decQuo(decMul(mintDec, decFromInt(spreadBps)), decFromInt(10000n)))
      if (s > 0n) spread = s
    }
    const userAmount = mintAmount - spread
    const vault = ctx.bank.moduleAddress(BME_MODULE)

    let minted = mintAmount
    let remintIssued = 0n
    if (burn.denom === DENOM_UACT) {
      // ACT → AKT: AKT that minters left in the vault (remint credit) is paid out before any new
      // AKT is minted.
      const credit = this.counter(ctx, K.remint, DENOM_UAKT)
      if (credit >= mintAmount) {
        remintIssued = mintAmount
        minted = 0n
      } else {
        minted = mintAmount - credit
        if (credit > 0n) remintIssued = credit
      }
      if (ctx.bank.balance(vault, DENOM_UAKT) + minted < userAmount) {
        throw new ModuleError('sdk', 5, `spendable balance is smaller than ${userAmount}${DENOM_UAKT}: insufficient funds`, Grpc.unknown)
      }
    }
    if (this.hasLedger(ctx, id)) throw BmeErr.recordExists()

    // Writes start here.
    if (burn.denom === DENOM_UAKT) {
      ctx.bank.mint(BME_MODULE, [{denom: toDenom, amount: mintAmount}])
    } else {
      ctx.bank.burn(BME_MODULE, [{denom: burn.denom, amount: burn.amount}])
      if (minted > 0n) ctx.bank.mint(BME_MODULE, [{denom: toDenom, amount: minted}])
    }
    if (userAmount > 0n) ctx.bank.send(vault, record.to, [{denom: toDenom, amount: userAmount}])
    this.recordState(ctx, id, record, burn, {denom: toDenom, amount: minted}, remintIssued, spread, priceFrom, priceTo)
  }

  private recordState(
    ctx: Context,
    id: LedgerId,
    record: LedgerPendingRecord,
    burned: {denom: string; amount: bigint},
    minted: {denom: string; amount: bigint},
    remintIssued: bigint,
    spread: bigint,
    priceFrom: bigint,
    priceTo: bigint,
  ): void {
    const coinPrice = (c: {denom: string; amount: bigint}, price: bigint) => ({
      coin: {denom: c.denom, amount: c.amount.toString()},
      price: formatDec(price),
    })
    let rBurned: ReturnType<typeof coinPrice> | undefined
    let accrued: ReturnType<typeof coinPrice> | undefined
    let issued: ReturnType<typeof coinPrice> | undefined
    let rMinted: ReturnType<typeof coinPrice> | undefined

    if (burned.denom === DENOM_UAKT) {
      // AKT is not destroyed: it stays in the vault as credit for later ACT → AKT burns.
      this.setCounter(ctx, K.remint, DENOM_UAKT, this.counter(ctx, K.remint, DENOM_UAKT) + burned.amount)
      accrued = coinPrice(burned, priceFrom)
    } else {
      rBurned = coinPrice(burned, priceFrom)
    }
    this.setCounter(ctx, K.pendingBalance, burned.denom, this.counter(ctx, K.pendingBalance, burned.denom) - burned.amount)
    if (remintIssued > 0n) {
      this.setCounter(ctx, K.remint, minted.denom, this.counter(ctx, K.remint, minted.denom) - remintIssued)
      issued = coinPrice({denom: minted.denom, amount: remintIssued}, priceTo)
    }
    if (minted.amount > 0n) {
      this.setCounter(ctx, K.totalMinted, minted.denom, this.counter(ctx, K.totalMinted, minted.denom) + minted.amount)
      rMinted = coinPrice(minted, priceTo)
    }
    if (rBurned && burned.amount > 0n) {
      this.setCounter(ctx, K.totalBurned, burned.denom, this.counter(ctx, K.totalBurned, burned.denom) + burned.amount)
    }
    this.removePending(ctx, id)
    const ledger = LedgerRecord.fromPartial({
      burnedFrom: record.owner,
      mintedTo: record.to,
      burner: BME_MODULE,
      minter: BME_MODULE,
      burned: rBurned,
      minted: rMinted,
      // The spread stays in the vault; node records it as a coin of the minted denom, zero or not.
      spread: {denom: minted.denom, amount: spread.toString()},
      remintCreditAccrued: accrued,
      remintCreditIssued: issued,
    })
    this.putLedger(ctx, id, ledger)
    ctx.events.emitTyped(EventLedgerRecordExecuted, EventLedgerRecordExecuted.fromPartial({id: toLedgerRecordID(id), ...ledger}))
  }

  /**
   * cancelBurnMint: records the cancel, refunds the owner, frees the pending balance. Runs in
   * EndBlock, so its event is a block (finalize-block) event, not a transaction's.
   */
  cancelBurnMint(ctx: Context, id: LedgerId, record: LedgerPendingRecord, reason: CancelReason): void {
    const burn = {denom: record.coinsToBurn?.denom ?? '', amount: BigInt(record.coinsToBurn?.amount || '0')}
    const canceled = LedgerCanceledRecord.fromPartial({
      owner: record.owner,
      to: record.to,
      cancelReason: reason,
      coinsToBurn: {denom: burn.denom, amount: burn.amount.toString()},
      denomToMint: record.denomToMint,
    })
    this.putCanceled(ctx, id, canceled)
    this.removePending(ctx, id)
    this.setCounter(ctx, K.pendingBalance, burn.denom, this.counter(ctx, K.pendingBalance, burn.denom) - burn.amount)
    if (burn.amount > 0n) {
      ctx.bank.send(ctx.bank.moduleAddress(BME_MODULE), record.owner, [{denom: burn.denom, amount: burn.amount}])
    }
    ctx.events.emitTyped(EventLedgerRecordCanceled, EventLedgerRecordCanceled.fromPartial({id: toLedgerRecordID(id), ...canceled}))
  }
}

/** calculateBlocksDiff: epochs stretch by backoff% per 10 bps the ratio is below the warn line. */
export function blocksDiff(params: Params, cr: bigint): bigint {
  const min = i64(params.minEpochBlocks)
  const warn = BigInt(params.circuitBreakerWarnThreshold)
  if (cr >= warn) return min
  if (params.epochBlocksBackoffPercent === 0) return min
  const steps = (warn - cr) / 10n
  if (steps === 0n) return min
  const base = decQuo(decFromInt(100n + BigInt(params.epochBlocksBackoffPercent)), decFromInt(100n))
  const cap = decFromInt(14400n)
  let res = decMul(decFromInt(min), decPower(base, steps))
  if (res > cap) res = cap
  const blocks = decTruncateInt(res)
  return blocks < min ? min : blocks
}

/** LegacyDec.Power: square-and-multiply with the SDK's rounding at each step. */
function decPower(base: bigint, power: bigint): bigint {
  if (power === 0n) return DEC_ONE
  let d = base
  let tmp = DEC_ONE
  for (let i = power; i > 1n; ) {
    if (i % 2n !== 0n) tmp = decMul(tmp, d)
    i /= 2n
    d = decMul(d, d)
  }
  return decMul(d, tmp)
}

/** isFatalBurnMintError + errorToCancelReason: which errors cancel a request at once (the rest are retried up to MaxPendingAttempts). */
export function fatalReason(err: unknown): CancelReason | undefined {
  if (BmeErr.epsilon.is(err)) return CancelReason.epsilon
  if (BmeErr.invalidDenom.is(err)) return CancelReason.invalid_denom
  if (BmeErr.invalidAmount.is(err)) return CancelReason.invalid_amount
  if (BmeErr.minimumMint.is(err)) return CancelReason.minimum_mint
  return undefined
}
