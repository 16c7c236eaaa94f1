/**
 * chain-sdk's generated objects (bigint, enums, LegacyDec strings) → the Market's plain types.
 * chain-sdk's codecs decode a DecCoin amount to a human decimal string ("1.5"; the wire carries
 * 1.5 × 10^18), so amounts are parsed as decimals into the Market's 10^18-scaled bigints.
 */
import type {
  CertificateResponse,
  Types_Account as SdkEscrowAccount,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import type {
  Group as SdkGroup,
  Provider as SdkProvider,
  QueryDeploymentResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import type {Order as SdkOrder, QueryBidResponse, QueryLeaseResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import type {
  Attribute,
  Bid,
  BidState,
  Certificate,
  Deployment,
  EscrowAccount,
  Group,
  Lease,
  LeaseReclamation,
  LeaseState,
  Order,
  OrderState,
  ProviderInfo,
  ReclamationRequirement,
} from '../market.js'
import {decAmountFromDecoded as decAmount, groupSpecFromDecoded as groupSpec, resourceUnitFromDecoded as resourceUnit} from '../../sdl/groupspec.js'

type IntLike = number | bigint | string | undefined | null

export const big = (value: IntLike): bigint => (value === undefined || value === null || value === '' ? 0n : BigInt(value))
export const num = (value: IntLike): number => Number(big(value))

const attrs = (list: Array<{key: string; value: string}> | undefined): Attribute[] =>
  (list ?? []).map((a) => ({key: a.key, value: a.value}))

/**
 * An enum value's name; undefined for a value this list does not name (ts-proto's UNRECOGNIZED is
 * -1, and a newer chain may add states).
 */
function named<const T extends readonly string[]>(names: T, value: number): T[number] | undefined {
  return names[value]
}

const ESCROW_STATES = ['invalid', 'open', 'closed', 'overdrawn'] as const

export function escrowAccount(account: SdkEscrowAccount | undefined): EscrowAccount | undefined {
  if (!account?.id) return undefined
  return {
    scope: account.id.scope === 2 ? 'bid' : 'deployment',
    xid: account.id.xid,
    state: (named(ESCROW_STATES, account.state?.state ?? 0) ?? 'open') as EscrowAccount['state'],
    funds: (account.state?.funds ?? []).map(decAmount),
    transferred: (account.state?.transferred ?? []).map(decAmount),
    settledAt: num(account.state?.settledAt),
  }
}

const GROUP_STATES = ['invalid', 'open', 'paused', 'insufficient_funds', 'closed'] as const

export function group(g: SdkGroup): Group {
  return {
    id: {owner: g.id!.owner, dseq: big(g.id!.dseq), gseq: g.id!.gseq},
    state: (named(GROUP_STATES, g.state) ?? 'open') as Group['state'],
    spec: groupSpec(g.groupSpec),
    createdAt: num(g.createdAt),
  }
}

/** A protobuf Duration ({seconds, nanos}) in seconds. */
export function durationSeconds(d: {seconds?: bigint | number | string; nanos?: number} | undefined): number {
  return d ? num(d.seconds) + (d.nanos ?? 0) / 1e9 : 0
}

/** Seconds → the protobuf Duration chain-sdk's codecs take. */
export function sdkDuration(seconds: number): {seconds: bigint; nanos: number} {
  const nanos = BigInt(Math.round(seconds * 1e9))
  return {seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n)}
}

function requirement(r: {minWindow?: {seconds: bigint; nanos: number}} | undefined): {reclamation?: ReclamationRequirement} {
  return r ? {reclamation: {minWindowSeconds: durationSeconds(r.minWindow)}} : {}
}

export function deployment(r: QueryDeploymentResponse): Deployment {
  const d = r.deployment!
  return {
    id: {owner: d.id!.owner, dseq: big(d.id!.dseq)},
    state: d.state === 2 ? 'closed' : 'active',
    hash: d.hash,
    createdAt: num(d.createdAt),
    groups: (r.groups ?? []).map(group),
    escrow: escrowAccount(r.escrowAccount),
    ...requirement(d.reclamation),
  }
}

const ORDER_STATES = ['invalid', 'open', 'active', 'closed'] as const

export function order(o: SdkOrder): Order {
  return {
    id: {owner: o.id!.owner, dseq: big(o.id!.dseq), gseq: o.id!.gseq, oseq: o.id!.oseq},
    state: (named(ORDER_STATES, o.state) ?? 'open') as OrderState,
    spec: groupSpec(o.spec),
    createdAt: num(o.createdAt),
    ...requirement(o.reclamation),
  }
}

const BID_STATES = ['invalid', 'open', 'active', 'lost', 'closed'] as const

export function bid(r: QueryBidResponse): Bid {
  const b = r.bid!
  const id = b.id!
  return {
    id: {owner: id.owner, dseq: big(id.dseq), gseq: id.gseq, oseq: id.oseq, provider: id.provider, bseq: id.bseq},
    state: (named(BID_STATES, b.state) ?? 'open') as BidState,
    price: decAmount(b.price),
    createdAt: num(b.createdAt),
    resourcesOffer: (b.resourcesOffer ?? []).map((o) => ({
      resources: resourceUnit(o.resources, o.count, undefined),
      count: o.count,
    })),
    escrow: escrowAccount(r.escrowAccount),
    ...(b.reclamationWindow ? {reclamationWindowSeconds: durationSeconds(b.reclamationWindow)} : {}),
  }
}

const LEASE_STATES = ['invalid', 'active', 'insufficient_funds', 'closed', 'reclaiming'] as const
const CLOSE_REASONS: Record<number, string> = {
  1: 'owner',
  10000: 'unstable',
  10001: 'decommission',
  10002: 'unspecified',
  10003: 'manifest_timeout',
  20000: 'insufficient_funds',
}

type SdkReclamation = NonNullable<QueryLeaseResponse['lease']>['reclamation']

/** The chain's record: zero started_at and deadline mean "not started". */
export function leaseReclamation(r: SdkReclamation): LeaseReclamation | undefined {
  if (!r) return undefined
  const started = big(r.startedAt) > 0n
  return {
    windowSeconds: durationSeconds(r.window),
    ...(started ? {startedAt: num(r.startedAt), deadline: new Date(num(r.deadline) * 1000)} : {}),
    ...(started && r.reason ? {reason: CLOSE_REASONS[r.reason] ?? String(r.reason)} : {}),
  }
}

export function lease(r: QueryLeaseResponse): Lease {
  const l = r.lease!
  const id = l.id!
  const p = r.escrowPayment?.state
  return {
    id: {owner: id.owner, dseq: big(id.dseq), gseq: id.gseq, oseq: id.oseq, provider: id.provider, bseq: id.bseq},
    state: (named(LEASE_STATES, l.state) ?? 'active') as LeaseState,
    price: decAmount(l.price),
    createdAt: num(l.createdAt),
    closedOn: num(l.closedOn),
    ...(l.reason ? {reason: CLOSE_REASONS[l.reason] ?? String(l.reason)} : {}),
    ...(l.reclamation ? {reclamation: leaseReclamation(l.reclamation)} : {}),
    ...(p
      ? {
          payment: {
            state: named(ESCROW_STATES, p.state) ?? 'open',
            rate: decAmount(p.rate),
            balance: decAmount(p.balance),
            unsettled: decAmount(p.unsettled),
            withdrawn: {denom: p.withdrawn?.denom ?? '', amount: big(p.withdrawn?.amount) * 10n ** 18n},
          },
        }
      : {}),
  }
}

export function provider(p: SdkProvider): ProviderInfo {
  return {
    owner: p.owner,
    hostUri: p.hostUri,
    attributes: attrs(p.attributes),
    ...(p.info?.email ? {email: p.info.email} : {}),
    ...(p.info?.website ? {website: p.info.website} : {}),
  }
}

export function certificate(c: CertificateResponse & {owner?: string}): Certificate {
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
