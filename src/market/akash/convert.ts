/**
 * chain-sdk's generated objects (Long, enums, LegacyDec strings) → the Market's plain types.
 * chain-sdk's codecs decode a DecCoin amount to a human decimal string ("1.5"; the wire carries
 * 1.5 × 10^18), so amounts are parsed as decimals into the Market's 10^18-scaled bigints.
 */
import type {
  Attribute,
  Bid,
  BidState,
  Certificate,
  DecAmount,
  Deployment,
  EscrowAccount,
  Group,
  GroupSpec,
  Lease,
  LeaseState,
  Order,
  OrderState,
  ProviderInfo,
  ResourceUnit,
} from '../market.js'

type LongLike = {toString(): string} | number | bigint | string | undefined | null

export const big = (value: LongLike): bigint => (value === undefined || value === null ? 0n : BigInt(value.toString()))
export const num = (value: LongLike): number => Number(big(value))

export function decAmount(coin: {denom: string; amount: string} | undefined): DecAmount {
  if (!coin) return {denom: '', amount: 0n}
  return {denom: coin.denom, amount: coin.amount === '' ? 0n : parseSdkDec(coin.amount)}
}

/** A LegacyDec as chain-sdk's codecs present it: "1.5", "12", "-0.25" → ×10^18 bigint. */
export function parseSdkDec(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,18}))?$/.exec(amount)
  if (!match) throw new Error(`unexpected LegacyDec amount "${amount}"`)
  const value = BigInt(match[2]) * 10n ** 18n + BigInt((match[3] ?? '').padEnd(18, '0'))
  return match[1] === '-' ? -value : value
}

const attrs = (list: Array<{key: string; value: string}> | undefined): Attribute[] =>
  (list ?? []).map((a) => ({key: a.key, value: a.value}))

const resourceValue = (v: {val: Uint8Array} | undefined): bigint => {
  if (!v || v.val.length === 0) return 0n
  return BigInt(new TextDecoder().decode(v.val))
}

const ENDPOINT_KINDS = ['shared_http', 'random_port', 'leased_ip'] as const

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourceUnit(resources: any, count: number, price: any): ResourceUnit {
  return {
    id: resources?.id ?? 0,
    cpuMillis: resourceValue(resources?.cpu?.units),
    memoryBytes: resourceValue(resources?.memory?.quantity),
    storage: (resources?.storage ?? []).map((s: {name: string; quantity: {val: Uint8Array}; attributes: Attribute[]}) => ({
      name: s.name,
      bytes: resourceValue(s.quantity),
      attributes: attrs(s.attributes),
    })),
    gpu: {units: resourceValue(resources?.gpu?.units), attributes: attrs(resources?.gpu?.attributes)},
    endpoints: (resources?.endpoints ?? []).map((e: {kind: number; sequenceNumber: number}) => ({
      kind: ENDPOINT_KINDS[e.kind] ?? 'shared_http',
      sequenceNumber: e.sequenceNumber,
    })),
    count,
    price: decAmount(price),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function groupSpec(spec: any): GroupSpec {
  return {
    name: spec?.name ?? '',
    requirements: {
      signedBy: {
        allOf: spec?.requirements?.signedBy?.allOf ?? [],
        anyOf: spec?.requirements?.signedBy?.anyOf ?? [],
      },
      attributes: attrs(spec?.requirements?.attributes),
    },
    resources: (spec?.resources ?? []).map((r: {resource: unknown; count: number; price: unknown}) =>
      resourceUnit(r.resource, r.count, r.price),
    ),
  }
}

const ESCROW_STATES = ['invalid', 'open', 'closed', 'overdrawn'] as const

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function escrowAccount(account: any): EscrowAccount | undefined {
  if (!account?.id) return undefined
  return {
    scope: account.id.scope === 2 ? 'bid' : 'deployment',
    xid: account.id.xid,
    state: (ESCROW_STATES[account.state?.state ?? 0] ?? 'open') as EscrowAccount['state'],
    funds: (account.state?.funds ?? []).map(decAmount),
    transferred: (account.state?.transferred ?? []).map(decAmount),
    settledAt: num(account.state?.settledAt),
  }
}

const GROUP_STATES = ['invalid', 'open', 'paused', 'insufficient_funds', 'closed'] as const

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function group(g: any): Group {
  return {
    id: {owner: g.id.owner, dseq: big(g.id.dseq), gseq: g.id.gseq},
    state: (GROUP_STATES[g.state] ?? 'open') as Group['state'],
    spec: groupSpec(g.groupSpec),
    createdAt: num(g.createdAt),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function deployment(r: any): Deployment {
  const d = r.deployment
  return {
    id: {owner: d.id.owner, dseq: big(d.id.dseq)},
    state: d.state === 2 ? 'closed' : 'active',
    hash: d.hash,
    createdAt: num(d.createdAt),
    groups: (r.groups ?? []).map(group),
    escrow: escrowAccount(r.escrowAccount),
  }
}

const ORDER_STATES = ['invalid', 'open', 'active', 'closed'] as const

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function order(o: any): Order {
  return {
    id: {owner: o.id.owner, dseq: big(o.id.dseq), gseq: o.id.gseq, oseq: o.id.oseq},
    state: (ORDER_STATES[o.state] ?? 'open') as OrderState,
    spec: groupSpec(o.spec),
    createdAt: num(o.createdAt),
  }
}

const BID_STATES = ['invalid', 'open', 'active', 'lost', 'closed'] as const

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bid(r: any): Bid {
  const b = r.bid
  return {
    id: {owner: b.id.owner, dseq: big(b.id.dseq), gseq: b.id.gseq, oseq: b.id.oseq, provider: b.id.provider, bseq: b.id.bseq},
    state: (BID_STATES[b.state] ?? 'open') as BidState,
    price: decAmount(b.price),
    createdAt: num(b.createdAt),
    resourcesOffer: (b.resourcesOffer ?? []).map((o: {resources: unknown; count: number}) => ({
      resources: resourceUnit(o.resources, o.count, undefined),
      count: o.count,
    })),
    escrow: escrowAccount(r.escrowAccount),
  }
}

const LEASE_STATES = ['invalid', 'active', 'insufficient_funds', 'closed'] as const
const CLOSE_REASONS: Record<number, string> = {
  1: 'owner',
  10000: 'unstable',
  10001: 'decommission',
  10002: 'unspecified',
  10003: 'manifest_timeout',
  20000: 'insufficient_funds',
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lease(r: any): Lease {
  const l = r.lease
  const p = r.escrowPayment?.state
  return {
    id: {owner: l.id.owner, dseq: big(l.id.dseq), gseq: l.id.gseq, oseq: l.id.oseq, provider: l.id.provider, bseq: l.id.bseq},
    state: (LEASE_STATES[l.state] ?? 'active') as LeaseState,
    price: decAmount(l.price),
    createdAt: num(l.createdAt),
    closedOn: num(l.closedOn),
    ...(l.reason ? {reason: CLOSE_REASONS[l.reason] ?? String(l.reason)} : {}),
    ...(p
      ? {
          payment: {
            state: ESCROW_STATES[p.state] ?? 'open',
            rate: decAmount(p.rate),
            balance: decAmount(p.balance),
            unsettled: decAmount(p.unsettled),
            withdrawn: {denom: p.withdrawn?.denom ?? '', amount: big(p.withdrawn?.amount) * 10n ** 18n},
          },
        }
      : {}),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function provider(p: any): ProviderInfo {
  return {
    owner: p.owner,
    hostUri: p.hostUri,
    attributes: attrs(p.attributes),
    ...(p.info?.email ? {email: p.info.email} : {}),
    ...(p.info?.website ? {website: p.info.website} : {}),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function certificate(c: any): Certificate {
  const text = (b: Uint8Array | string | undefined) => (typeof b === 'string' ? b : new TextDecoder().decode(b ?? new Uint8Array()))
  return {
    owner: c.owner ?? '',
    serial: c.serial,
    state: c.certificate?.state === 2 ? 'revoked' : 'valid',
    cert: text(c.certificate?.cert),
    pubkey: text(c.certificate?.pubkey),
  }
}

export const CLOSE_REASON_CODES: Record<string, number> = Object.fromEntries(
  Object.entries(CLOSE_REASONS).map(([code, name]) => [name, Number(code)]),
)

/** ×10^18 bigint → the decimal string chain-sdk's codecs expect for a LegacyDec ("1.5"). */
export function sdkDec(scaled: bigint): string {
  const negative = scaled < 0n
  const abs = negative ? -scaled : scaled
  const whole = abs / 10n ** 18n
  const frac = (abs % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return (negative ? '-' : '') + whole.toString() + (frac ? '.' + frac : '')
}
