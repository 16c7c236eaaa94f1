import type {ProviderEvent, Utilisation} from '../../../provider/events.js'
import {count} from '../../../lib/plural.js'

/** What the provider dashboard shows, folded from the provider's event stream. */
export interface DashboardState {
  address?: string
  network?: string
  hostUri?: string
  ingressUrl?: string
  grpcUrl?: string
  runtime?: string
  height: number
  openOrders: number
  ordersSeen: number
  bidsOpen: number
  bidsPlaced: number
  leasesWon: number
  leasesActive: number
  utilisation: Utilisation
  earningsUsdPerHour: string
  /** Last order → bid latency. */
  lastBid?: {blocks: number; ms: number}
  skips: Record<string, number>
  /** Leases being reclaimed (AEP-82) and when each closes, soonest first. */
  reclaiming: Array<{lease: string; deadline: string; reason: string}>
  /** Newest first. */
  activity: Array<{ts: string; kind: 'info' | 'good' | 'warn'; text: string}>
  stopped: boolean
}

export const initialDashboard: DashboardState = {
  height: 0,
  openOrders: 0,
  ordersSeen: 0,
  bidsOpen: 0,
  bidsPlaced: 0,
  leasesWon: 0,
  leasesActive: 0,
  utilisation: {cpu: 0, memory: 0, storage: 0, gpu: 0},
  earningsUsdPerHour: '0',
  skips: {},
  reclaiming: [],
  activity: [],
  stopped: false,
}

const MAX_ACTIVITY = 8
const short = (ref: string) => {
  const [owner, dseq, gseq, oseq] = ref.split('/')
  return `${owner.slice(0, 10)}…${owner.slice(-4)}/${dseq}/${gseq}/${oseq}`
}

/** One line for people: the dashboard's activity list and the plain-text log both use it. */
export function describeEvent(e: ProviderEvent): {kind: 'info' | 'good' | 'warn'; text: string} | undefined {
  switch (e.type) {
    case 'provider.started':
      return {kind: 'good', text: `provider ${e.address} on ${e.network}: gateway ${e.gatewayUrl}, gRPC ${e.grpcUrl}, ingress ${e.ingressUrl}, ${e.runtime}${e.resumedLeases ? `, ${count(e.resumedLeases, 'lease')} resumed` : ''}`}
    case 'provider.registered':
      return {kind: 'info', text: `provider record ${e.action}${e.txHash ? ` (${e.txHash.slice(0, 10)}…)` : ''}`}
    case 'certificate.generated':
    case 'certificate.published':
    case 'certificate.reused':
      return {kind: 'info', text: `certificate ${e.type.split('.')[1]} (serial ${e.serial})`}
    case 'bid.skipped':
      return {kind: 'info', text: `no bid on ${short(e.order)}: ${e.reason} — ${e.message}`}
    case 'bid.placed':
      return {kind: 'good', text: `bid on ${short(e.order)} in block ${e.height} (${e.blocks} block${e.blocks === 1 ? '' : 's'} after the order)`}
    case 'bid.failed':
      return {kind: 'warn', text: `bid on ${short(e.order)} failed: ${e.message}`}
    case 'bid.lost':
      return {kind: 'info', text: `bid on ${short(e.order)} lost`}
    case 'bid.closed':
      return {kind: 'info', text: `bid on ${short(e.order)} closed: ${e.reason}`}
    case 'lease.won':
      return {kind: 'good', text: `lease won: ${short(e.lease)}, waiting for the manifest`}
    case 'lease.resumed':
      return {kind: 'info', text: `lease ${short(e.lease)} resumed (${e.state})`}
    case 'manifest.received':
      return {kind: 'good', text: `manifest for ${e.owner.slice(0, 10)}…/${e.dseq} accepted`}
    case 'manifest.rejected':
      return {kind: 'warn', text: `manifest for ${e.owner.slice(0, 10)}…/${e.dseq} refused (${e.status}): ${e.message}`}
    case 'lease.deployed':
      return {kind: 'good', text: `lease ${short(e.lease)} running${e.uris.length ? `: ${e.uris.join(', ')}` : ''}`}
    case 'lease.deploy_failed':
      return {kind: 'warn', text: `lease ${short(e.lease)} failed to deploy: ${e.message}`}
    case 'lease.manifest_timeout':
      return {kind: 'warn', text: `lease ${short(e.lease)}: no manifest in time, bid closed`}
    case 'lease.hostname_migrated':
      return {kind: 'info', text: `hostname ${e.hostname} moved to lease ${short(e.lease)}`}
    case 'lease.closed':
      return {kind: 'info', text: `lease ${short(e.lease)} closed (${e.reason}), workloads removed`}
    case 'lease.reclaiming':
      return {kind: 'warn', text: `reclaiming ${short(e.lease)} (${e.note ?? e.reason}): closes at ${e.deadline}`}
    case 'lease.reclaimed':
      return {kind: 'info', text: `reclaimed ${short(e.lease)}: bid closed in block ${e.height}`}
    case 'earnings.withdrawn':
      return {kind: 'good', text: `withdrew earnings of ${count(e.leases.length, 'lease')} in block ${e.height}`}
    case 'runtime.event':
      return e.severity === 'warning' ? {kind: 'warn', text: `${short(e.lease)}${e.service ? ` ${e.service}` : ''}: ${e.reason}: ${e.message}`} : undefined
    case 'gateway.auth_failed':
      return {kind: 'warn', text: `refused ${e.path} (${e.status} ${e.message}): ${e.detail}`}
    case 'warning':
      return {kind: 'warn', text: e.message}
    case 'chain.recovered':
      return {kind: 'good', text: `the chain is back (block ${e.height}, after ${Math.round(e.downMs / 1000)} s without it)`}
    case 'provider.stopped':
      return {kind: 'info', text: 'provider stopped'}
    default:
      return undefined
  }
}

export function reduceDashboard(state: DashboardState, e: ProviderEvent): DashboardState {
  const next: DashboardState = {...state}
  switch (e.type) {
    case 'provider.started':
      Object.assign(next, {address: e.address, network: e.network, hostUri: e.hostUri, ingressUrl: e.ingressUrl, grpcUrl: e.grpcUrl, runtime: e.runtime})
      break
    case 'block':
      next.height = e.height
      next.openOrders = e.openOrders
      break
    case 'stats':
      Object.assign(next, {
        height: e.height,
        ordersSeen: e.ordersSeen,
        bidsOpen: e.bidsOpen,
        bidsPlaced: e.bidsPlaced,
        leasesWon: e.leasesWon,
        leasesActive: e.leasesActive,
        utilisation: e.utilisation,
        earningsUsdPerHour: e.earningsUsdPerHour,
      })
      break
    case 'bid.placed':
      next.lastBid = {blocks: e.blocks, ms: e.ms}
      break
    case 'bid.skipped':
      next.skips = {...state.skips, [e.reason]: (state.skips[e.reason] ?? 0) + 1}
      break
    case 'lease.reclaiming':
      next.reclaiming = [...state.reclaiming.filter((r) => r.lease !== e.lease), {lease: e.lease, deadline: e.deadline, reason: e.note ?? e.reason}].sort((a, b) =>
        a.deadline.localeCompare(b.deadline),
      )
      break
    case 'lease.reclaimed':
    case 'lease.closed':
      if (state.reclaiming.some((r) => r.lease === e.lease)) next.reclaiming = state.reclaiming.filter((r) => r.lease !== e.lease)
      break
    case 'provider.stopped':
      next.stopped = true
      break
  }
  const line = describeEvent(e)
  if (line) next.activity = [{ts: e.ts, ...line}, ...state.activity].slice(0, MAX_ACTIVITY)
  return next
}
