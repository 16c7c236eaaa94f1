/**
 * An in-memory Market for unit tests: deployments, orders, bids and leases with the chain's
 * state changes, blocks that advance whenever a watcher asks for the next one, and providers that
 * bid automatically one block after a deployment appears (when `wouldBid` says so).
 */
import type {
  AktPrice,
  AuditedAttributes,
  Bid,
  BidId,
  BlockInfo,
  BmeStatus,
  Certificate,
  Coin,
  CreateDeploymentInput,
  DecAmount,
  Deployment,
  DeploymentId,
  GroupSpec,
  Lease,
  LeaseFilter,
  LeaseId,
  Market,
  MarketTransactions,
  ProviderInfo,
  TxResult,
} from '../../../src/market/market.js'
import {groupSpecFromDecoded} from '../../../src/sdl/groupspec.js'
import type {GroupSpecProto} from '../../../src/sdl/index.js'
import {TestMarket} from '../../helpers/test-market.js'

export interface FakeProviderSpec {
  info: ProviderInfo
  /** Per-block price in uact × 10^18; undefined = never bids. */
  price?: bigint
  audits?: AuditedAttributes[]
  /** Blocks after the deployment before it bids (default 1). */
  delay?: number
}

/**
 * The deploy flow's chain: deployments, bids from scripted providers, leases, balances and mints,
 * in memory. Its providers bid by `wouldBid` below, not by the product's matching.
 */
export class FakeMarket extends TestMarket implements Market {
  height = 100
  balancesByAddr = new Map<string, Coin[]>()
  deploymentsById = new Map<string, Deployment>()
  bidsList: Bid[] = []
  leasesList: Lease[] = []
  txLog: Array<{kind: string; args: unknown; height?: number}> = []
  certs: Certificate[] = []
  failNext: Partial<Record<'createLease' | 'createDeployment' | 'deposit', Error>> = {}
  /** What the oracle answers (tests set `{unavailable: …}` for a chain with no AKT price). */
  akt: AktPrice = {usd: 2n * 10n ** 18n}
  /** The denom providers bid in (the order's). */
  bidDenom = 'uact'
  /** The chain's BME min_mint. */
  minMintUact = 10_000_000n
  /** Called before each block is produced (tests inject behaviour, e.g. Ctrl-C at a height). */
  onBlock?: (height: number) => void
  tx: MarketTransactions

  constructor(
    readonly owner: string,
    public providerSpecs: FakeProviderSpec[],
  ) {
    super()
    this.balancesByAddr.set(owner, [
      {denom: 'uakt', amount: 100_000_000n},
      {denom: 'uact', amount: 50_000_000n},
    ])
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the tx object literal's methods below need the market, not the literal
    const market = this
    const result = (kind: string, args: unknown): TxResult => {
      market.txLog.push({kind, args, height: market.height + 1})
      market.height++
      market.advance()
      return {txHash: `TX${market.txLog.length}`, height: market.height, gasUsed: 1n, gasWanted: 1n, events: []}
    }
    this.tx = {
      address: owner,
      async createDeployment(input: CreateDeploymentInput) {
        if (market.failNext.createDeployment) {
          const e = market.failNext.createDeployment
          delete market.failNext.createDeployment
          throw e
        }
        const key = `${owner}/${input.dseq}`
        if (market.deploymentsById.has(key)) throw new Error('deployment already exists')
        const r = result('createDeployment', input)
        const specs = (input.groups as GroupSpecProto[]).map(groupSpecFromDecoded)
        market.deploymentsById.set(key, {
          ...(input.reclamationWindowSeconds !== undefined ? {reclamation: {minWindowSeconds: input.reclamationWindowSeconds}} : {}),
          id: {owner, dseq: input.dseq},
          state: 'active',
          hash: input.hash,
          createdAt: r.height,
          groups: specs.map((spec, i) => ({id: {owner, dseq: input.dseq, gseq: i + 1}, state: 'open', spec, createdAt: r.height})),
          escrow: {scope: 'deployment', xid: key, state: 'open', funds: [{denom: input.deposit.denom, amount: input.deposit.amount * 10n ** 18n}], transferred: [], settledAt: r.height},
        })
        market.debit(input.deposit)
        return r
      },
      async updateDeployment(dseq: bigint, hash: Uint8Array) {
        const d = market.deploymentsById.get(`${owner}/${dseq}`)
        if (!d || d.state !== 'active') throw new Error('deployment not found or closed')
        d.hash = hash
        return result('updateDeployment', {dseq, hash})
      },
      async closeDeployment(dseq: bigint) {
        const d = market.deploymentsById.get(`${owner}/${dseq}`)
        if (!d || d.state !== 'active') throw new Error('failed to execute message; deployment closed')
        d.state = 'closed'
        for (const g of d.groups) g.state = 'closed'
        for (const l of market.leasesList) if (l.id.dseq === dseq && (l.state === 'active' || l.state === 'reclaiming')) l.state = 'closed'
        for (const b of market.bidsList) if (b.id.dseq === dseq && b.state === 'open') b.state = 'closed'
        return result('closeDeployment', {dseq})
      },
      async deposit(dseq: bigint, amount: Coin) {
        if (market.failNext.deposit) {
          const e = market.failNext.deposit
          delete market.failNext.deposit
          throw e
        }
        const d = market.deploymentsById.get(`${owner}/${dseq}`)
        if (!d || d.state !== 'active') throw new Error('deployment closed')
        d.escrow!.funds[0].amount += amount.amount * 10n ** 18n
        market.debit(amount)
        return result('deposit', {dseq, amount})
      },
      async createLease(bid: BidId) {
        if (market.failNext.createLease) {
          const e = market.failNext.createLease
          delete market.failNext.createLease
          throw e
        }
        const b = market.bidsList.find((x) => sameBid(x.id, bid))
        if (!b || b.state !== 'open') throw new Error('bid not open')
        const r = result('createLease', bid)
        b.state = 'active'
        for (const o of market.bidsList) if (o !== b && o.id.dseq === bid.dseq && o.id.gseq === bid.gseq && o.state === 'open') o.state = 'lost'
        market.leasesList.push({id: bid, state: 'active', price: b.price, createdAt: r.height, closedOn: 0})
        return r
      },
      async closeLease(lease: LeaseId) {
        return result('closeLease', lease)
      },
      async createBid() {
        return result('createBid', {})
      },
      async closeBid() {
        return result('closeBid', {})
      },
      async leaseStartReclaim(lease: LeaseId, reason = 'unspecified') {
        const l = market.leasesList.find((x) => sameBid(x.id, lease))
        if (!l || l.state !== 'active' || !l.reclamation) throw new Error('lease not active')
        const r = result('leaseStartReclaim', {lease, reason})
        l.state = 'reclaiming'
        l.reclamation = {...l.reclamation, startedAt: r.height, deadline: new Date(Date.now() + l.reclamation.windowSeconds * 1000), reason}
        return r
      },
      async withdrawLease() {
        return result('withdrawLease', {})
      },
      async createProvider() {
        return result('createProvider', {})
      },
      async updateProvider() {
        return result('updateProvider', {})
      },
      async createCertificate() {
        return result('createCertificate', {})
      },
      async revokeCertificate() {
        return result('revokeCertificate', {})
      },
      async signProviderAttributes() {
        return result('signProviderAttributes', {})
      },
      async mintAct(uakt: bigint) {
        market.debit({denom: 'uakt', amount: uakt})
        const r = result('mintAct', {uakt})
        market.pendingMint = {uact: uakt / 2n, at: r.height + 3}
        return r
      },
      async batchBroadcaster(): Promise<never> {
        throw new Error('the deploy fake has no batch broadcaster')
      },
      async burnAct() {
        return result('burnAct', {})
      },
    }
  }

  pendingMint?: {uact: bigint; at: number}

  private debit(coin: Coin) {
    const list = this.balancesByAddr.get(this.owner)!
    const c = list.find((x) => x.denom === coin.denom)
    if (!c || c.amount < coin.amount) throw new Error(`insufficient funds: ${coin.denom}`)
    c.amount -= coin.amount
  }

  /** Providers bid on open orders; pending mints execute. */
  advance(): void {
    for (const d of this.deploymentsById.values()) {
      if (d.state !== 'active') continue
      for (const g of d.groups) {
        if (g.state !== 'open') continue
        for (const p of this.providerSpecs) {
          if (p.price === undefined) continue
          if (this.height < d.createdAt + (p.delay ?? 1)) continue
          if (this.bidsList.some((b) => b.id.dseq === d.id.dseq && b.id.gseq === g.id.gseq && b.id.provider === p.info.owner)) continue
          if (!wouldBid(g.spec, p)) continue
          const orderPrice = g.spec.resources.reduce((s, r) => s + r.price.amount * BigInt(r.count), 0n)
          if (p.price > orderPrice) continue
          this.bidsList.push({
            id: {owner: this.owner, dseq: d.id.dseq, gseq: g.id.gseq, oseq: 1, provider: p.info.owner, bseq: 0},
            state: 'open',
            price: {denom: this.bidDenom, amount: p.price},
            createdAt: this.height,
            resourcesOffer: [],
          })
        }
      }
    }
    if (this.pendingMint && this.height >= this.pendingMint.at) {
      const c = this.balancesByAddr.get(this.owner)!.find((x) => x.denom === 'uact')!
      c.amount += this.pendingMint.uact
      this.pendingMint = undefined
    }
  }

  async latestBlock(): Promise<BlockInfo> {
    return {height: this.height, time: new Date()}
  }
  async account() {
    return undefined
  }
  async balances(address: string): Promise<Coin[]> {
    return (this.balancesByAddr.get(address) ?? []).map((c) => ({...c}))
  }
  async deployments(owner: string, state?: Deployment['state']): Promise<Deployment[]> {
    return [...this.deploymentsById.values()].filter((d) => d.id.owner === owner && (!state || d.state === state))
  }
  async txMemos(sender: string, height: number): Promise<string[]> {
    if (sender !== this.owner) return []
    return this.txLog.filter((t) => t.height === height).map((t) => (t.args as {memo?: string}).memo ?? '')
  }
  async deployment(id: DeploymentId): Promise<Deployment | undefined> {
    return this.deploymentsById.get(`${id.owner}/${id.dseq}`)
  }
  async orders() {
    return []
  }
  async bids(filter: {owner?: string; dseq?: bigint}): Promise<Bid[]> {
    return this.bidsList.filter((b) => (!filter.owner || b.id.owner === filter.owner) && (filter.dseq === undefined || b.id.dseq === filter.dseq))
  }
  async leases(filter: LeaseFilter): Promise<Lease[]> {
    return this.leasesList.filter(
      (l) =>
        (!filter.owner || l.id.owner === filter.owner) &&
        (filter.dseq === undefined || l.id.dseq === filter.dseq) &&
        (!filter.state || l.state === filter.state),
    )
  }
  async lease(id: LeaseId) {
    return this.leasesList.find((l) => sameBid(l.id, id))
  }
  async providers(): Promise<ProviderInfo[]> {
    return this.providerSpecs.map((p) => p.info)
  }
  async provider(owner: string) {
    return this.providerSpecs.find((p) => p.info.owner === owner)?.info
  }
  async auditedAttributes(provider: string): Promise<AuditedAttributes[]> {
    return this.providerSpecs.find((p) => p.info.owner === provider)?.audits ?? []
  }
  async certificates(owner: string, serial?: string): Promise<Certificate[]> {
    return this.certs.filter((c) => c.owner === owner && (!serial || c.serial === serial))
  }
  async minDeposits(): Promise<Coin[]> {
    return [{denom: 'uact', amount: 5_000_000n}]
  }
  async bidMinDeposits(): Promise<Coin[]> {
    return [{denom: 'uakt', amount: 500_000n}]
  }
  async aktPrice(): Promise<AktPrice> {
    return this.akt
  }
  async reclamationWindows() {
    return {minSeconds: 5, maxSeconds: 720 * 3600}
  }

  async bmeStatus(): Promise<BmeStatus> {
    return {pending: [], minMintUact: this.minMintUact, epochBlocks: 3}
  }
  async *watchBlocks(signal: AbortSignal): AsyncIterable<BlockInfo> {
    while (!signal.aborted) {
      yield {height: this.height, time: new Date()}
      await new Promise((r) => setTimeout(r, 1))
      if (signal.aborted) return
      this.onBlock?.(this.height + 1)
      this.height++
      this.advance()
    }
  }
  async close(): Promise<void> {}
}

function sameBid(a: BidId, b: BidId): boolean {
  return a.dseq === b.dseq && a.gseq === b.gseq && a.oseq === b.oseq && a.provider === b.provider && a.bseq === b.bseq
}

export const usdPerHourToPerBlock = (usdPerHour: number): DecAmount['amount'] =>
  // 1 s blocks: per block = per hour / 3600, in uact × 10^18.
  (BigInt(Math.round(usdPerHour * 1e6)) * 10n ** 18n) / 3600n

/**
 * Whether a scripted provider bids on a group: it has each placement attribute exactly (no
 * wildcards) and, when the group names auditors, an audit by them. Deliberately simpler than
 * src/market/matching.ts, which the deploy tests exercise rather than mirror.
 */
function wouldBid(spec: GroupSpec, p: FakeProviderSpec): boolean {
  const has = (a: {key: string; value: string}) => p.info.attributes.some((x) => x.key === a.key && x.value === a.value)
  if (!spec.requirements.attributes.every(has)) return false
  const {allOf, anyOf} = spec.requirements.signedBy
  const auditedBy = (auditor: string) => (p.audits ?? []).some((a) => a.auditor === auditor)
  return allOf.every(auditedBy) && (anyOf.length === 0 || anyOf.some(auditedBy))
}
