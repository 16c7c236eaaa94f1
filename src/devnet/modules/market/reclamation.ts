/**
 * Resource reclamation (AEP-82, node v2.1): the market params' window bounds, the bid's window
 * checks (x/market/handler/server.go CreateBid), and the deadline MsgLeaseStartReclaim sets.
 *
 * The node holds windows as Go `time.Duration` (int64 nanoseconds, gogoproto `stdduration`);
 * on the wire they are `google.protobuf.Duration {seconds, nanos}`. Comparisons here are on
 * nanoseconds as bigints, as Go compares the durations.
 */
import type {Params} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import {MarketErr} from './errors.js'

const NANOS = 1_000_000_000n

/** `google.protobuf.Duration` as chain-sdk's codecs hold it (the package exports no google index). */
export interface Duration {
  seconds: bigint
  nanos: number
}

/** Mainnet's bounds, which the v2.1.0 upgrade set (`mvbeta.DefaultMin/MaxReclamationWindow`). */
export const MAINNET_MIN_RECLAMATION_WINDOW_S = 3600
export const MAINNET_MAX_RECLAMATION_WINDOW_S = 720 * 3600
/**
 * edge dev's minimum: a few seconds, so that a test can run reclamation from start to close.
 * The maximum stays mainnet's.
 */
export const DEV_MIN_RECLAMATION_WINDOW_S = 5

type DurationLike = {seconds?: bigint | number | string; nanos?: number} | undefined

/** A protobuf Duration as Go's `time.Duration` (nanoseconds); an absent one is zero. */
export function durationNanos(d: DurationLike): bigint {
  if (!d) return 0n
  return BigInt(d.seconds ?? 0) * NANOS + BigInt(d.nanos ?? 0)
}

export function durationFromNanos(nanos: bigint): Duration {
  return {seconds: nanos / NANOS, nanos: Number(nanos % NANOS)}
}

export function durationFromSeconds(seconds: number): Duration {
  return durationFromNanos(BigInt(Math.round(seconds * 1e9)))
}

/** A duration as Go's jsonpb writes it ("3600s", "1.5s"): edge dev's genesis JSON uses that form. */
export function durationText(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : ''
  const abs = nanos < 0n ? -nanos : nanos
  const frac = (abs % NANOS).toString().padStart(9, '0').replace(/0+$/, '')
  return `${sign}${abs / NANOS}${frac ? `.${frac}` : ''}s`
}

/** Parses `durationText`'s form ("5s", "2592000s", "0.5s"). */
export function parseDurationText(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text.trim())
  if (!m) throw MarketErr.invalidParam.with(`invalid duration "${text}"`)
  const nanos = BigInt(m[2]) * NANOS + BigInt((m[3] ?? '').padEnd(9, '0'))
  return m[1] === '-' ? -nanos : nanos
}

/** `validateReclamationWindows` (market/v1beta5/params.go). */
export function validateReclamationWindows(min: bigint, max: bigint): void {
  if (min < 0n) throw MarketErr.invalidParam.with('min reclamation window must be >= 0')
  if (max <= 0n) throw MarketErr.invalidParam.with('max reclamation window must be > 0')
  if (max <= min) throw MarketErr.invalidParam.with('max reclamation window must be > min reclamation window')
}

export function paramWindows(params: Params): {min: bigint; max: bigint} {
  return {min: durationNanos(params.minReclamationWindow), max: durationNanos(params.maxReclamationWindow)}
}

/**
 * The window checks of CreateBid, in the node's order: an order with reclamation needs a window
 * (market/40) of at least its min_window (market/41); any window must lie within the params'
 * bounds (market/39).
 */
export function checkBidWindow(orderReclamation: {minWindow?: DurationLike} | undefined, window: DurationLike, params: Params): void {
  const offered = window ? durationNanos(window) : undefined
  if (orderReclamation) {
    if (offered === undefined) throw MarketErr.reclamationRequired()
    if (offered < durationNanos(orderReclamation.minWindow)) throw MarketErr.reclamationWindowTooShort()
  }
  if (offered !== undefined) {
    const {min, max} = paramWindows(params)
    if (offered < min || offered > max) throw MarketErr.reclamationWindowInvalid()
  }
}

/** `blockTime.Add(window).Unix()`: the deadline MsgLeaseStartReclaim records, in Unix seconds. */
export function reclaimDeadline(blockTime: Date, window: DurationLike): bigint {
  const nanos = BigInt(blockTime.getTime()) * 1_000_000n + durationNanos(window)
  // Go's Unix() floors toward negative infinity; bigint division truncates toward zero.
  const q = nanos / NANOS
  return nanos < 0n && nanos % NANOS !== 0n ? q - 1n : q
}

/** `ctx.BlockTime().Unix()`. */
export function unixSeconds(time: Date): bigint {
  return BigInt(Math.floor(time.getTime() / 1000))
}
