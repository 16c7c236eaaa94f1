import {matchGroup, matchGroupFromSpec} from '../../protocol/matching.js'
import type {AuditedAttributes, GroupSpec, Market, ProviderInfo} from '../../market/market.js'

/**
 * The providers a run has looked up, with their audited attributes: read from the chain once
 * and only as far as needed (a few bidders one by one, everybody in one query).
 */
export class ProviderDirectory {
  readonly providers = new Map<string, ProviderInfo>()
  readonly audits = new Map<string, AuditedAttributes[]>()

  constructor(private readonly market: Pick<Market, 'provider' | 'providers' | 'auditedAttributes'>) {}

  get(owner: string): ProviderInfo | undefined {
    return this.providers.get(owner)
  }

  /** These providers (or, without `owners`, every provider on chain). */
  async load(owners?: string[]): Promise<void> {
    if (owners && owners.every((o) => this.providers.has(o))) return
    if (owners && owners.length <= 3) {
      for (const o of owners) {
        if (this.providers.has(o)) continue
        const p = await this.market.provider(o)
        if (p) this.providers.set(o, p)
      }
      return
    }
    for (const p of await this.market.providers()) this.providers.set(p.owner, p)
  }

  async loadAudits(owners: string[]): Promise<void> {
    const missing = owners.filter((o) => !this.audits.has(o))
    const results = await Promise.all(missing.map((o) => this.market.auditedAttributes(o).catch(() => [])))
    missing.forEach((o, i) => this.audits.set(o, results[i]))
  }

  /** Does the provider satisfy every group (the chain's own matching)? */
  matchesAll(provider: ProviderInfo, specs: readonly GroupSpec[]): boolean {
    return specs.every((s) => matchGroup(matchGroupFromSpec(s), {attributes: provider.attributes, audited: this.audits.get(provider.owner) ?? []}).ok)
  }

  /** The providers on chain that could bid on every group; audits are read only when a group asks for them. */
  async matching(specs: readonly GroupSpec[], providers?: readonly ProviderInfo[]): Promise<ProviderInfo[]> {
    if (!providers) await this.load()
    const all = providers ?? [...this.providers.values()]
    if (specs.some((s) => s.requirements.signedBy.allOf.length + s.requirements.signedBy.anyOf.length > 0)) await this.loadAudits(all.map((p) => p.owner))
    return all.filter((p) => this.matchesAll(p, specs))
  }
}
