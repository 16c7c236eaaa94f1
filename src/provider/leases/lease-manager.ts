import {type BlockInfo, isLeaseLive, type Lease, type MarketQueries} from '../../market/market.js'
import type {Capacity} from '../capacity/capacity.js'
import {demandOf} from '../capacity/demand.js'
import type {ProviderMsg, TxOutcome} from '../chain/messages.js'
import type {ReclaimRule} from '../config/provider-config.js'
import type {EventHub} from '../events.js'
import {type IngressPlanOptions, planLeaseIngress} from '../ingress/hostnames.js'
import type {IngressRoute, SetRoutesResult} from '../ingress/route-table.js'
import {leaseKey as runtimeLeaseKey} from '../runtime/labels.js'
import type {Manifest, ManifestGroup} from '../runtime/manifest-types.js'
import type {ExecOptions, ExecSession, EventOptions, LeaseId as RuntimeLeaseId, LogLine, LogOptions, Runtime, RuntimeEvent, RuntimeInfo} from '../runtime/types.js'
import {orderKey, parseOrderKey, runtimeLeaseId} from '../state/keys.js'
import {gpuAssignment} from './gpu-assignment.js'
import {ACTIVE_LEASE_STATES} from './live.js'
import {submitManifest} from './manifests.js'
import {resumeLeases} from './resume.js'
import type {LeaseRow, ProviderStore} from '../state/store.js'
import {type LeaseStatusJson, type ServiceStatusJson, leaseStatusJson, serviceStatusJson} from './lease-status.js'
import {type MigrationContext, migrateEndpoints, migrateHostnames} from './migrations.js'
import {Reclamations} from './reclamation.js'
import {withReclamationEvents} from './reclamation-events.js'
import {FundsMonitor} from './funds-monitor.js'
import {type WithdrawResultSummary, Withdrawals} from './withdrawals.js'


export interface IngressBinding {
  proxy: {
    setLeaseRoutes(leaseKey: string, routes: IngressRoute[]): SetRoutesResult
    removeLease(leaseKey: string): void
    hostnameHolder(host: string): {owner: string} | undefined
    pinHostname(host: string, leaseKey: string): void
  }
  plan: IngressPlanOptions
}

export interface LeaseManagerOptions {
  address: string
  store: ProviderStore
  runtime: Runtime
  /** What the runtime is (told to tenants in the lease status: host processes are not isolated). */
  runtimeInfo?: RuntimeInfo
  market: Pick<MarketQueries, 'deployment' | 'lease' | 'leases'>
  tx: {submit(msg: ProviderMsg): Promise<TxOutcome>}
  capacity: Capacity
  events: EventHub
  ingress?: IngressBinding
  manifestTimeoutMs: number
  /** 0 = never on a timer. */
  withdrawIntervalMs: number
  /** Longest time between two escrow checks of a lease (default 10 minutes, as Akash's). */
  fundsCheckIntervalMs?: number
  /** `reclamation.rules` of provider.yaml (GPUs wanted back). */
  reclaimRules?: ReclaimRule[]
  now?: () => number
}

/** What the gateway answers when a request cannot be served: Akash's status and text. */
export interface RequestFailure {
  status: number
  message: string
}

export type SubmitResult = {ok: true; version: string; leases: string[]} | ({ok: false} & RequestFailure)

/**
 * Leases from win to teardown. A won lease waits for its manifest (closing the bid with reason
 * manifest_timeout when none comes); an accepted manifest (hash equal to the on-chain version,
 * resources equal to the group spec) is stored, then deployed by the runtime and routed by the
 * ingress; a lease the chain closed is torn down. Nothing here tears a workload down on a guess:
 * only a definite answer from the chain (closed, or missing twice in a row) does.
 */
export class LeaseManager {
  private readonly now: () => number
  /** Leases the chain did not list as active, and how many times in a row. */
  private readonly missing = new Map<string, number>()
  private readonly closing = new Set<string>()
  /** Per lease, the hostnames another lease serves that it was last warned about (routes refresh every few blocks). */
  private readonly conflicts = new Map<string, Set<string>>()
  private readonly withdrawals: Withdrawals
  private readonly funds: FundsMonitor
  readonly reclamations: Reclamations

  constructor(private readonly o: LeaseManagerOptions) {
    this.now = o.now ?? Date.now
    const now = this.now
    this.withdrawals = new Withdrawals({address: o.address, store: o.store, tx: o.tx, events: o.events, intervalMs: o.withdrawIntervalMs, now, leases: () => this.activeLeases()})
    this.funds = new FundsMonitor({
      market: o.market,
      checkIntervalMs: o.fundsCheckIntervalMs ?? 600_000,
      leases: () => this.activeLeases(),
      withdraw: (row) => this.withdrawals.withdrawLeases([row]),
    })
    this.reclamations = new Reclamations({
      address: o.address,
      store: o.store,
      tx: o.tx,
      events: o.events,
      now,
      liveRow: (key) => {
        const row = o.store.lease(key)
        return row && ACTIVE_LEASE_STATES.includes(row.state) ? row : undefined
      },
      closeLocal: (row, reason) => this.closeLocal(row, reason),
      ...(o.reclaimRules ? {rules: o.reclaimRules} : {}),
    })
  }

  // --- queries for the gateway and status ----------------------------------------------------

  /** A lease this provider serves (not closed), or undefined. */
  lease(owner: string, dseq: bigint | string, gseq: number, oseq: number): LeaseRow | undefined {
    const row = this.o.store.lease(orderKey({owner, dseq, gseq, oseq}))
    return row && ACTIVE_LEASE_STATES.includes(row.state) ? row : undefined
  }

  activeLeases(): LeaseRow[] {
    return this.o.store.leases(ACTIVE_LEASE_STATES)
  }

  /** @internal The runtime's id of a lease. */
  rt(row: Pick<LeaseRow, 'orderKey'>): RuntimeLeaseId {
    return runtimeLeaseId(parseOrderKey(row.orderKey), this.o.address)
  }

  /** The manifest group this lease runs, once a manifest was accepted. */
  manifestGroup(row: LeaseRow): ManifestGroup | undefined {
    const id = parseOrderKey(row.orderKey)
    const stored = this.o.store.manifest(id.owner, id.dseq.toString())
    if (!stored || !row.groupName) return undefined
    try {
      return (JSON.parse(stored.body) as Manifest).find((g) => g.name === row.groupName)
    } catch {
      return undefined
    }
  }

  // --- migrations (POST /hostname/migrate, /endpoint/migrate; see migrations.ts) ---------------

  migrateHostnames(owner: string, hostnames: string[], dseq: bigint, gseq: number): ReturnType<typeof migrateHostnames> {
    return migrateHostnames(this.migrationContext(), owner, hostnames, dseq, gseq)
  }

  migrateEndpoints(owner: string, endpoints: string[], dseq: bigint, gseq: number): ReturnType<typeof migrateEndpoints> {
    return migrateEndpoints(this.migrationContext(), owner, endpoints, dseq, gseq)
  }

  private migrationContext(): MigrationContext {
    return {
      store: this.o.store,
      events: this.o.events,
      ...(this.o.ingress ? {ingress: this.o.ingress} : {}),
      now: this.now,
      isActive: (row) => ACTIVE_LEASE_STATES.includes(row.state),
      manifestGroup: (row) => this.manifestGroup(row),
      runtimeKey: (row) => runtimeLeaseKey(this.rt(row)),
    }
  }

  async leaseStatus(row: LeaseRow): Promise<LeaseStatusJson | RequestFailure> {
    if (!this.manifestGroup(row)) return {status: 404, message: 'manifest not yet received for that lease'}
    const status = await this.o.runtime.status(this.rt(row))
    const plan = this.o.ingress ? planLeaseIngress(status, this.o.ingress.plan) : {uris: {}, forwardedPorts: {}}
    const deployError = row.state === 'failed' ? row.error : undefined
    const json = leaseStatusJson(status, plan, {
      ...(this.o.runtimeInfo ? {runtime: this.o.runtimeInfo} : {}),
      ...(this.o.store.deployment(row.orderKey)?.manifestVersion ? {manifestVersion: this.o.store.deployment(row.orderKey)!.manifestVersion} : {}),
      deploying: row.state === 'deploying',
      ...(deployError ? {deployError} : {}),
    })
    if (deployError && !(json.errors ?? []).includes(deployError)) json.errors = [...(json.errors ?? []), deployError]
    return json
  }

  async serviceStatus(row: LeaseRow, service: string): Promise<ServiceStatusJson | RequestFailure> {
    const group = this.manifestGroup(row)
    if (!group) return {status: 404, message: 'manifest not yet received for that lease'}
    if (!group.services.some((s) => s.name === service)) return {status: 404, message: `no service "${service}" for lease`}
    const status = await this.o.runtime.status(this.rt(row))
    const svc = status.services[service]
    if (!svc) return {status: 404, message: `no service "${service}" for lease`}
    const plan = this.o.ingress ? planLeaseIngress(status, this.o.ingress.plan) : {uris: {} as Record<string, string[]>}
    return serviceStatusJson(svc, plan.uris[service])
  }

  logs(row: LeaseRow, options: LogOptions): AsyncIterable<LogLine> {
    return this.o.runtime.logs(this.rt(row), options)
  }

  /** The lease's events (`kubeevents`), led by its reclamation while the provider reclaims it (AEP-82). */
  runtimeEvents(row: LeaseRow, options: EventOptions): AsyncIterable<RuntimeEvent> {
    const open = this.o.store.reclamation(row.orderKey)
    return withReclamationEvents(this.o.runtime.events(this.rt(row), options), {
      lease: this.rt(row),
      key: row.orderKey,
      ...(open && open.closedAt === undefined ? {open} : {}),
      hub: this.o.events,
      options,
    })
  }

  exec(row: LeaseRow, options: ExecOptions): Promise<ExecSession> {
    return this.o.runtime.exec(this.rt(row), options)
  }

  // --- manifests ------------------------------------------------------------------------------

  /** `PUT /deployment/{dseq}/manifest` (see manifests.ts). */
  submitManifest(owner: string, dseq: bigint, body: string): Promise<SubmitResult> {
    return submitManifest(this, this.o, owner, dseq, body)
  }

  /** @internal Deploys (or re-attaches) a lease's group and routes it. */
  async deploy(row: LeaseRow, group: ManifestGroup, version: string): Promise<void> {
    const key = row.orderKey
    this.o.store.updateLease(key, {state: 'deploying', error: undefined})
    this.o.store.putDeployment(key, group.name, version, 'deploying', this.now())
    this.o.events.emit({type: 'lease.deploying', lease: key})
    try {
      const status = await this.o.runtime.deploy(this.rt(row), group, {
        manifestVersion: version,
        gpuDeviceIds: gpuAssignment(group, row),
        onEvent: (e) => this.o.events.emit({type: 'runtime.event', lease: key, reason: e.reason, message: e.message, severity: e.severity, ...(e.service ? {service: e.service} : {})}),
      })
      // The chain may have closed the lease while images were pulling.
      const current = this.o.store.lease(key)
      if (!current || current.state === 'closed') {
        await this.o.runtime.teardown(this.rt(row)).catch(() => {})
        return
      }
      const uris = this.routeIngress(row, status)
      this.o.store.updateLease(key, {state: 'running', error: undefined})
      this.o.store.putDeployment(key, group.name, version, 'running', this.now())
      this.o.events.emit({type: 'lease.deployed', lease: key, uris})
    } catch (error) {
      // A lease closed meanwhile stays closed: 'failed' would make it active again.
      if (this.o.store.lease(key)?.state === 'closed') return
      const message = (error as Error).message ?? String(error)
      this.o.store.updateLease(key, {state: 'failed', error: message})
      this.o.store.putDeployment(key, group.name, version, 'failed', this.now(), message)
      this.o.events.emit({type: 'lease.deploy_failed', lease: key, message})
    }
  }

  private routeIngress(row: Pick<LeaseRow, 'orderKey'>, status: Awaited<ReturnType<Runtime['status']>>): string[] {
    if (!this.o.ingress) return []
    const plan = planLeaseIngress(status, this.o.ingress.plan)
    const result = this.o.ingress.proxy.setLeaseRoutes(runtimeLeaseKey(this.rt(row)), plan.routes)
    // Said once per name, not at every refresh: a name moved away by a migration stays declared.
    const before = this.conflicts.get(row.orderKey)
    for (const host of result.conflicts) {
      if (!before?.has(host)) this.o.events.emit({type: 'warning', message: `lease ${row.orderKey}: hostname ${host} is served by another lease`})
    }
    if (result.conflicts.length > 0) this.conflicts.set(row.orderKey, new Set(result.conflicts))
    else this.conflicts.delete(row.orderKey)
    return Object.values(plan.uris).flat()
  }

  /** Re-reads replica ports from the runtime and updates the ingress (replicas restart on new ports). */
  async refreshRoutes(): Promise<void> {
    if (!this.o.ingress) return
    for (const row of this.o.store.leases(['running'])) {
      try {
        this.routeIngress(row, await this.o.runtime.status(this.rt(row)))
      } catch {
        // The engine may be briefly unavailable; the next refresh tries again.
      }
    }
  }

  // --- chain reconciliation -------------------------------------------------------------------

  /** A lease the chain lists for us that we have no row for: take it on. */
  async adopt(lease: Lease, height = lease.createdAt): Promise<LeaseRow | undefined> {
    const key = orderKey(lease.id)
    const existing = this.o.store.lease(key)
    if (existing && ACTIVE_LEASE_STATES.includes(existing.state)) return existing
    const bid = this.o.store.bid(key)
    let reservation = bid?.reservation
    if (!this.o.capacity.has(key)) {
      if (reservation) this.o.capacity.restore(key, reservation)
      else {
        // A lease without our bid row (state lost): hold what its group asks, if it still fits.
        const deployment = await this.o.market.deployment({owner: lease.id.owner, dseq: lease.id.dseq}).catch(() => undefined)
        const group = deployment?.groups.find((g) => g.id.gseq === lease.id.gseq)
        if (group) {
          const fit = this.o.capacity.reserve(key, demandOf(group.spec))
          if (fit.ok) reservation = fit.reservation
        }
      }
    }
    reservation ??= this.o.capacity.get(key) ?? {cpuMillis: 0n, memoryBytes: 0n, ephemeralBytes: 0n, persistentBytes: {}, gpus: {}}
    const wonAt = this.now()
    const row: LeaseRow = {
      orderKey: key,
      bseq: lease.id.bseq,
      state: 'awaiting_manifest',
      denom: lease.price.denom,
      amount: lease.price.amount,
      reservation,
      gpus: bid?.gpus ?? {},
      wonAt,
      wonHeight: height,
      manifestDeadline: wonAt + this.o.manifestTimeoutMs,
    }
    this.o.store.transaction(() => {
      this.o.store.putLease(row)
      if (bid) this.o.store.setBidState(key, 'won', wonAt)
    })
    this.missing.delete(key)
    this.o.events.emit({
      type: 'lease.won',
      lease: key,
      price: lease.price.amount.toString(),
      denom: lease.price.denom,
      manifestDeadline: new Date(row.manifestDeadline).toISOString(),
    })
    // A deployment with several groups here shares one manifest: deploy at once if it came already.
    const stored = this.o.store.manifest(lease.id.owner, lease.id.dseq.toString())
    if (stored) {
      const deployment = await this.o.market.deployment({owner: lease.id.owner, dseq: lease.id.dseq}).catch(() => undefined)
      const groupName = deployment?.groups.find((g) => g.id.gseq === lease.id.gseq)?.spec.name
      const group = groupName ? (JSON.parse(stored.body) as Manifest).find((g) => g.name === groupName) : undefined
      if (group && groupName) {
        this.o.store.updateLease(key, {groupName})
        void this.deploy({...row, groupName}, group, stored.version)
      }
    }
    return row
  }

  /**
   * Per block: adopt leases the chain lists for us; for leases we run that it no longer lists,
   * ask for the lease itself and tear down only on a definite close.
   */
  async reconcile(active: Lease[], height: number): Promise<void> {
    const listed = new Set<string>()
    for (const lease of active) {
      const key = orderKey(lease.id)
      listed.add(key)
      this.missing.delete(key)
      const row = this.o.store.lease(key)
      if (!row || !ACTIVE_LEASE_STATES.includes(row.state)) {
        if (row?.state === 'closed') continue
        await this.adopt(lease, height)
      }
      this.reclamations.observe(lease)
      this.reclamations.applyRules(lease)
    }
    for (const row of this.activeLeases()) {
      if (listed.has(row.orderKey) || this.closing.has(row.orderKey)) continue
      const id = parseOrderKey(row.orderKey)
      let lease: Lease | undefined
      try {
        lease = await this.o.market.lease({...id, provider: this.o.address, bseq: row.bseq})
      } catch {
        continue // The chain did not answer: that says nothing about the lease.
      }
      if (lease && isLeaseLive(lease)) {
        this.reclamations.observe(lease)
        continue
      }
      if (!lease) {
        const strikes = (this.missing.get(row.orderKey) ?? 0) + 1
        this.missing.set(row.orderKey, strikes)
        if (strikes < 2) continue
      }
      await this.closeLocal(row, lease?.reason ?? (lease ? lease.state : 'not_found'))
    }
  }

  /** Tears a lease down here (its chain side is already closed). */
  async closeLocal(row: LeaseRow, reason: string): Promise<void> {
    const key = row.orderKey
    if (this.closing.has(key)) return
    this.closing.add(key)
    try {
      this.o.ingress?.proxy.removeLease(runtimeLeaseKey(this.rt(row)))
      await this.o.runtime.teardown(this.rt(row))
      // A deploy in progress finishes before the runtime tears down, and routes the lease again
      // on its way out: take the routes away once more.
      this.o.ingress?.proxy.removeLease(runtimeLeaseKey(this.rt(row)))
      this.o.capacity.release(key)
      this.o.store.unpinLease(key)
      this.o.store.updateLease(key, {state: 'closed', closedAt: this.now(), closeReason: reason})
      this.missing.delete(key)
      this.conflicts.delete(key)
      const id = parseOrderKey(key)
      const others = this.o.store.leasesOfDeployment(id.owner, id.dseq.toString()).filter((l) => ACTIVE_LEASE_STATES.includes(l.state))
      // Manifests carry the tenant's secrets; keep them no longer than a lease needs them.
      if (others.length === 0) this.o.store.deleteManifest(id.owner, id.dseq.toString())
      this.o.events.emit({type: 'lease.closed', lease: key, reason})
    } catch (error) {
      this.o.events.emit({type: 'warning', message: `tearing down lease ${key} failed (will retry): ${(error as Error).message}`})
    } finally {
      this.closing.delete(key)
    }
  }

  /** Manifest timeouts, periodic withdrawals, escrow checks and reclamation deadlines; called every block. */
  async tick(block?: BlockInfo): Promise<void> {
    const now = this.now()
    for (const row of this.o.store.leases(['awaiting_manifest'])) {
      if (now < row.manifestDeadline || this.closing.has(row.orderKey) || this.o.store.reclamation(row.orderKey)) continue
      const id = parseOrderKey(row.orderKey)
      this.closing.add(row.orderKey)
      this.o.tx
        .submit({type: 'closeBid', bid: {...id, provider: this.o.address, bseq: row.bseq}, reason: 'manifest_timeout'})
        .then(
          async () => {
            this.closing.delete(row.orderKey)
            this.o.events.emit({type: 'lease.manifest_timeout', lease: row.orderKey})
            this.o.store.setBidState(row.orderKey, 'closed', this.now(), 'manifest_timeout')
            await this.closeLocal(row, 'manifest_timeout')
          },
          (error: Error) => {
            // A lease made with a reclamation window closes only through reclamation (market/37):
            // start it with reason manifest_timeout; the deadline then closes it like any other.
            if (this.reclamations.needsReclaimToClose(error)) {
              void this.reclamations.start(row, 'manifest_timeout').finally(() => this.closing.delete(row.orderKey))
              return
            }
            this.closing.delete(row.orderKey)
            this.o.events.emit({type: 'warning', message: `closing lease ${row.orderKey} after the manifest timeout failed: ${error.message}`})
          },
        )
    }
    this.withdrawals.tick(now)
    this.funds.tick(now, block?.height)
    // A block's time, not our clock, is what the chain compares a reclamation deadline with.
    await this.reclamations.closeDue(block?.time ?? new Date(now))
  }

  /** MsgWithdrawLease for every lease this provider runs; resolves with what was withdrawn. */
  withdrawAll(): Promise<WithdrawResultSummary> {
    return this.withdrawals.withdrawAll()
  }

  // --- restart (see resume.ts) ------------------------------------------------------------------

  /** After a restart: take every lease back up (see `resumeLeases`); resolves with how many. */
  resume(): Promise<number> {
    return resumeLeases(this, this.o)
  }
}

