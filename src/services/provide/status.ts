import {existsSync} from 'node:fs'
import https from 'node:https'
import {join} from 'node:path'

import {providerDir} from '../../config/paths.js'
import {type Attribute, isLeaseLive, type Lease} from '../../market/market.js'
import type {BaseAmount, CpuMillis, MemoryBytes, StorageBytes} from '../../protocol/json-fields.js'
import {formatScaled, perHour, parseDec, DEC_PRECISION} from '../../protocol/money.js'
import {providerAttributes, sameAttributes} from '../../provider/attributes.js'
import {Capacity, type CapacityTotals} from '../../provider/capacity/capacity.js'
import {loadProviderConfig} from '../../provider/config/provider-config.js'
import {orderKey} from '../../provider/state/keys.js'
import {ProviderStore} from '../../provider/state/store.js'
import type {Session} from '../session.js'
import {UsdPricing, formatOrNull} from '../usd.js'
import {PID_FILE, livePid} from './pid-file.js'

export interface ProvideStatusResult {
  name: string
  network: string
  address?: string
  hostUri: string
  running: {pid: number} | false
  gateway: {reachable: boolean; error?: string}
  registration: {registered: boolean; hostUri?: string; attributesMatch: boolean; attributes: Attribute[]}
  balances: Array<{denom: string; amount: BaseAmount}>
  /** What provider.yaml offers (`total`, as `edge provide init` shows it) and what open bids and leases hold. */
  capacity: {
    total: CapacityFigures
    reserved: CapacityFigures
  }
  bids: Record<string, number>
  /** `usdPerHour` ("$0.01", as everywhere) null: an AKT price with no AKT→USD price (neither the chain's oracle nor pricing.aktUsd). */
  leases: Array<{
    lease: string
    state: string
    chainState?: string
    price: string
    denom: string
    usdPerHour?: string | null
    withdrawn?: string
    pending?: string
    /** A lease being reclaimed (AEP-82): when the provider closes it, and why. */
    reclamation?: {deadline: string; reason: string; note?: string}
  }>
  /** `usdPerHour` null when an active lease could not be priced in USD. */
  earnings: {usdPerHour: string | null; withdrawnUact: string; pendingUact: string}
}

export interface CapacityFigures {
  cpuMillis: CpuMillis
  memoryBytes: MemoryBytes
  storageBytes: StorageBytes
  /** Bytes of each persistent storage class (beta2, …), apart from the ephemeral storageBytes. */
  persistentBytes: Record<string, bigint>
  gpus: number
}

/** `edge provide status`: the record on chain, what this machine holds, its leases and earnings. */
export async function provideStatus(
  session: Session,
  options: {name: string; env?: NodeJS.ProcessEnv; warn?: (message: string) => void},
): Promise<ProvideStatusResult> {
  const env = options.env ?? process.env
  const config = await loadProviderConfig(options.name, env)
  const dir = providerDir(config.name, env)
  const address = config.address
  const {openMarket} = await import('../../market/index.js')
  const market = await openMarket(session.network)
  try {
    const [[record, chainLeases, balances], oracle] = await Promise.all([
      address
        ? Promise.all([market.provider(address), market.leases({provider: address}), market.balances(address)])
        : Promise.resolve([undefined, [] as Lease[], []] as const),
      market.aktPrice(),
    ])
    const expected = providerAttributes(config)
    const capacity = new Capacity(config.capacity)
    let bids: Record<string, number> = {}
    let rows: Array<{orderKey: string; state: string; amount: bigint; denom: string}> = []
    let notes = new Map<string, string>()
    const dbPath = join(dir, 'state.db')
    if (existsSync(dbPath)) {
      const store = await ProviderStore.open(dbPath, {readonly: true})
      try {
        bids = store.countBids()
        for (const b of store.bids('open')) capacity.restore(b.orderKey, b.reservation)
        for (const l of store.leases(['awaiting_manifest', 'deploying', 'running', 'failed'])) capacity.restore(l.orderKey, l.reservation)
        rows = store.leases().map((l) => ({orderKey: l.orderKey, state: l.state, amount: l.amount, denom: l.denom}))
        notes = reclamationNotes(store)
      } finally {
        store.close()
      }
    }
    const byKey = new Map(chainLeases.map((l) => [orderKey(l.id), l]))
    const keys = new Set([...rows.map((r) => r.orderKey), ...chainLeases.filter(isLeaseLive).map((l) => orderKey(l.id))])
    // The chain's price of AKT; the provider's own pricing.aktUsd where the chain gives none.
    const configured = config.pricing.aktUsd ? parseDec(config.pricing.aktUsd) : undefined
    const pricing = new UsdPricing(oracle.usd === undefined && configured ? {usd: configured} : oracle, options.warn)
    let usdPerHour: bigint | null = 0n
    let withdrawn = 0n
    let pending = 0n
    const leases: ProvideStatusResult['leases'] = []
    for (const key of keys) {
      const row = rows.find((r) => r.orderKey === key)
      const chain = byKey.get(key)
      const price = chain?.price ?? {denom: row?.denom ?? 'uact', amount: row?.amount ?? 0n}
      const hourly = pricing.value(perHour(price.amount, session.network.blockTimeMs), price.denom)
      const active = chain ? isLeaseLive(chain) : row !== undefined && row.state !== 'closed'
      const reclaim = chain?.state === 'reclaiming' && chain.reclamation?.deadline ? chain.reclamation : undefined
      if (active && hourly === null) usdPerHour = null
      else if (active && typeof hourly === 'bigint' && usdPerHour !== null) usdPerHour += hourly
      const w = chain?.payment?.withdrawn.amount ?? 0n
      const p = (chain?.payment?.balance.amount ?? 0n) + (chain?.payment?.unsettled.amount ?? 0n)
      if (price.denom === 'uact') {
        withdrawn += w
        pending += p
      }
      leases.push({
        lease: key,
        state: row?.state ?? 'unknown',
        ...(chain ? {chainState: chain.state} : {}),
        price: formatScaled(price.amount, DEC_PRECISION, 6, {trim: true}),
        denom: price.denom,
        ...(hourly !== undefined ? {usdPerHour: formatOrNull(hourly)} : {}),
        ...(chain?.payment ? {withdrawn: formatScaled(w, DEC_PRECISION, 0), pending: formatScaled(p, DEC_PRECISION, 0)} : {}),
        ...(reclaim
          ? {reclamation: {deadline: reclaim.deadline!.toISOString(), reason: reclaim.reason ?? 'unspecified', ...(notes.has(key) ? {note: notes.get(key)!} : {})}}
          : {}),
      })
    }
    const totals = capacity.totals()
    const held = capacity.reserved()
    const pid = livePid(join(dir, PID_FILE))
    const running = pid ? {pid} : (false as const)
    return {
      name: config.name,
      network: session.network.name,
      ...(address ? {address} : {}),
      hostUri: config.hostUri,
      running,
      gateway: running || record ? await probe(record?.hostUri ?? config.hostUri) : {reachable: false, error: 'not running'},
      registration: {
        registered: Boolean(record),
        ...(record ? {hostUri: record.hostUri} : {}),
        attributesMatch: record ? sameAttributes(record.attributes, expected) : false,
        attributes: record?.attributes ?? expected,
      },
      balances: balances.map((b) => ({denom: b.denom, amount: b.amount})),
      capacity: {total: capacityFigures(totals), reserved: capacityFigures(held)},
      bids,
      leases,
      earnings: {
        usdPerHour: formatOrNull(usdPerHour) ?? null,
        withdrawnUact: formatScaled(withdrawn, DEC_PRECISION, 0),
        pendingUact: formatScaled(pending, DEC_PRECISION, 0),
      },
    }
  } finally {
    await market.close()
  }
}

/** The operator's words for each reclamation (`edge provide reclaim --reason`); a state from before reclamation has none. */
function reclamationNotes(store: ProviderStore): Map<string, string> {
  try {
    return new Map(store.openReclamations().flatMap((r) => (r.note ? [[r.orderKey, r.note] as [string, string]] : [])))
  } catch {
    return new Map()
  }
}

/** Ephemeral and persistent storage apart, as provider.yaml and `edge provide init` give them (D21). */
function capacityFigures(t: CapacityTotals): CapacityFigures {
  return {cpuMillis: Number(t.cpuMillis), memoryBytes: t.memoryBytes, storageBytes: t.ephemeralBytes, persistentBytes: {...t.persistentBytes}, gpus: t.gpus}
}

/** GET /address on the gateway (self-signed: the certificate is checked elsewhere). */
function probe(hostUri: string): Promise<{reachable: boolean; error?: string}> {
  return new Promise((resolve) => {
    const req = https.get(new URL('/address', hostUri), {rejectUnauthorized: false, timeout: 3000}, (res) => {
      res.resume()
      resolve(res.statusCode === 200 ? {reachable: true} : {reachable: false, error: `HTTP ${res.statusCode}`})
    })
    req.on('timeout', () => {
      req.destroy()
      resolve({reachable: false, error: 'timed out'})
    })
    req.on('error', (e) => resolve({reachable: false, error: e.message}))
  })
}
