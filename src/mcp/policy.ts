/**
 * The limits as checks: each takes the numbers and either passes or throws a LimitRefusal that
 * names the limit, the numbers on both sides and what a person could change. Pure: the callers
 * read the chain and the spend ledger.
 */
import {formatUsd} from '../protocol/money.js'
import {regionMatches} from '../services/deploy/candidates.js'
import type {ScoredBid} from '../services/deploy/scoring.js'
import {formatDuration} from '../services/ledger/guards.js'
import type {Limits} from './limits.js'
import {LimitRefusal} from './refusal.js'
import type {SpendTotals} from './store.js'

const usd = (v: bigint) => formatUsd(v)

export function requireSpend(limits: Limits, tool: string): void {
  if (!limits.allowSpend) {
    throw new LimitRefusal('read-only', `edge mcp runs read-only, so ${tool} cannot change chain state.`, 'restart `edge mcp` with --allow-spend (or set "allowSpend": true in mcp.json).')
  }
}

export function checkTtl(limits: Limits, ttlMs: number): void {
  if (ttlMs > limits.ttlMs) {
    throw new LimitRefusal('ttl', `A TTL of ${formatDuration(ttlMs)} is longer than the limit of ${formatDuration(limits.ttlMs)}.`, `raise --ttl (now ${formatDuration(limits.ttlMs)}).`, {
      requested: formatDuration(ttlMs),
      limit: formatDuration(limits.ttlMs),
    })
  }
}

/** docker.io/library/nginx:1.27@sha256:… → {name: "nginx", tag: "1.27", digest: "sha256:…"}. */
export function imageParts(image: string): {name: string; tag?: string; digest?: string} {
  let rest = image.trim()
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const name = rest.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '')
  return {name, ...(tag ? {tag} : {}), ...(digest ? {digest} : {})}
}

/** An allowlist entry: `nginx` (any tag), `nginx:1.27` (that tag), `sha256:…` or `nginx@sha256:…` (that digest). */
export function imageAllowed(image: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true
  const img = imageParts(image)
  return allowed.some((entry) => {
    if (/^sha256:/.test(entry)) return img.digest === entry
    const e = imageParts(entry)
    if (e.name !== img.name) return false
    if (e.digest) return img.digest === e.digest
    if (e.tag) return img.tag === e.tag
    return true
  })
}

export function checkImages(limits: Limits, images: ReadonlyArray<{service: string; image: string}>): void {
  const refused = images.filter((i) => !imageAllowed(i.image, limits.images))
  if (refused.length > 0) {
    throw new LimitRefusal(
      'images',
      `${refused.map((i) => `${i.service} uses ${i.image}`).join('; ')}, which the image allowlist (${limits.images.join(', ')}) does not hold.`,
      `add the image to --image (or "images" in mcp.json).`,
      {refused: refused.map((i) => i.image), allowed: limits.images},
    )
  }
}

export interface MoneyCheck {
  /** The order's maximum price, USD/h × 10^18; undefined when it has no USD value (AKT without a price). */
  maxUsdPerHour?: bigint
  /** What this action locks in escrow, USD × 10^18. */
  depositUsd?: bigint
  /** Deposits this deployment already holds (a top-up), USD × 10^18. */
  depositedBeforeUsd?: bigint
}

export function checkMoney(limits: Limits, spent: SpendTotals, m: MoneyCheck): void {
  if (limits.maxUsdPerHour !== undefined) {
    if (m.maxUsdPerHour === undefined) {
      throw new LimitRefusal('max-usd-per-hour', 'The order has no USD price (AKT without a price from the chain), so it cannot be held to the USD/h limit.', 'price the SDL in uact (ACT), or remove --max-usd-per-hour.')
    }
    if (m.maxUsdPerHour > limits.maxUsdPerHour) {
      throw new LimitRefusal(
        'max-usd-per-hour',
        `The SDL lets a provider charge up to ${usd(m.maxUsdPerHour)}/h, above the limit of ${usd(limits.maxUsdPerHour)}/h.`,
        `raise --max-usd-per-hour (now ${usd(limits.maxUsdPerHour)}/h); the agent can lower the SDL's pricing amount instead.`,
        {maxUsdPerHour: usd(m.maxUsdPerHour), limit: usd(limits.maxUsdPerHour)},
      )
    }
  }
  const deposit = m.depositUsd
  const needsUsd = limits.maxDepositUsd !== undefined || limits.budgetPerDayUsd !== undefined || limits.budgetTotalUsd !== undefined
  if (deposit === undefined) {
    if (needsUsd) throw new LimitRefusal('max-deposit', 'The deposit has no USD value (AKT without a price from the chain), so the deposit and budget limits cannot be checked.', 'price the SDL in uact (ACT).')
    return
  }
  if (limits.maxDepositUsd !== undefined) {
    const total = deposit + (m.depositedBeforeUsd ?? 0n)
    if (total > limits.maxDepositUsd) {
      throw new LimitRefusal(
        'max-deposit',
        `The deposit would be ${usd(total)}${m.depositedBeforeUsd ? ` (${usd(m.depositedBeforeUsd)} held + ${usd(deposit)})` : ''}, above the limit of ${usd(limits.maxDepositUsd)} per deployment.`,
        `raise --max-deposit (now ${usd(limits.maxDepositUsd)}), or shorten the TTL the agent asks for.`,
        {deposit: usd(total), limit: usd(limits.maxDepositUsd)},
      )
    }
  }
  if (limits.budgetPerDayUsd !== undefined && spent.dayUsd + deposit > limits.budgetPerDayUsd) {
    const left = limits.budgetPerDayUsd - spent.dayUsd
    throw new LimitRefusal(
      'budget-per-day',
      `The deposit of ${usd(deposit)} is more than today's budget left: ${usd(left > 0n ? left : 0n)} of ${usd(limits.budgetPerDayUsd)} (${usd(spent.dayUsd)} spent today).`,
      `raise --budget-per-day (now ${usd(limits.budgetPerDayUsd)}), or close deployments (their unspent escrow comes back).`,
      {deposit: usd(deposit), spentToday: usd(spent.dayUsd), limit: usd(limits.budgetPerDayUsd)},
    )
  }
  if (limits.budgetTotalUsd !== undefined && spent.totalUsd + deposit > limits.budgetTotalUsd) {
    const left = limits.budgetTotalUsd - spent.totalUsd
    throw new LimitRefusal(
      'budget-total',
      `The deposit of ${usd(deposit)} is more than the budget left: ${usd(left > 0n ? left : 0n)} of ${usd(limits.budgetTotalUsd)} (${usd(spent.totalUsd)} spent).`,
      `raise --budget-total (now ${usd(limits.budgetTotalUsd)}), or close deployments (their unspent escrow comes back).`,
      {deposit: usd(deposit), spent: usd(spent.totalUsd), limit: usd(limits.budgetTotalUsd)},
    )
  }
}

export function checkConcurrency(limits: Limits, open: number): void {
  if (open >= limits.maxDeployments) {
    throw new LimitRefusal('max-deployments', `${open} agent deployment${open === 1 ? ' is' : 's are'} open; the limit is ${limits.maxDeployments} at once.`, `raise --max-deployments (now ${limits.maxDeployments}), or close one first.`, {
      open,
      limit: limits.maxDeployments,
    })
  }
}

export interface ProviderFacts {
  provider: string
  region?: string
  country?: string
}

/** Why the allowlists leave a provider out, or undefined when they let it in. */
export function providerRefusal(limits: Limits, p: ProviderFacts): 'providers' | 'regions' | undefined {
  if (limits.providers.length > 0 && !limits.providers.includes(p.provider)) return 'providers'
  if (limits.regions.length > 0 && !limits.regions.some((r) => regionMatches(p.region, r) || regionMatches(p.country, r))) return 'regions'
  return undefined
}

/** At plan time: some provider that would bid must be allowed. */
export function checkProviders(limits: Limits, candidates: readonly ProviderFacts[]): ProviderFacts[] {
  const allowed = candidates.filter((p) => providerRefusal(limits, p) === undefined)
  if (allowed.length > 0 || candidates.length === 0) return allowed
  throw allowlistRefusal(limits, candidates, 'match the order')
}

/** At apply: the best-scored bid whose provider the allowlists let in. */
export function chooseAllowed(limits: Limits, bids: readonly ScoredBid[]): ScoredBid {
  const ok = bids.find((b) => providerRefusal(limits, {provider: b.bid.id.provider, ...(b.region ? {region: b.region} : {})}) === undefined)
  if (ok) return ok
  throw allowlistRefusal(
    limits,
    bids.map((b) => ({provider: b.bid.id.provider, ...(b.region ? {region: b.region} : {})})),
    'bid',
  )
}

function allowlistRefusal(limits: Limits, candidates: readonly ProviderFacts[], what: string): LimitRefusal {
  const reasons = candidates.map((p) => providerRefusal(limits, p))
  const limit = reasons.includes('providers') ? 'providers' : 'regions'
  const seen = candidates.map((p) => `${p.provider}${p.region ? ` (${p.region})` : ''}`)
  return limit === 'providers'
    ? new LimitRefusal('providers', `None of the ${candidates.length} provider(s) that ${what} is on the provider allowlist: ${seen.join(', ')}.`, 'add a provider to --provider (or "providers" in mcp.json).', {
        candidates: seen,
        allowed: limits.providers,
      })
    : new LimitRefusal('regions', `None of the ${candidates.length} provider(s) that ${what} is in an allowed region (${limits.regions.join(', ')}): ${seen.join(', ')}.`, 'add the region to --region (or "regions" in mcp.json).', {
        candidates: seen,
        allowed: limits.regions,
      })
}
