/**
 * Fakes for provider unit tests: an in-memory market, a transaction sender that "includes" every
 * message in the next block, and a runtime that keeps leases in memory. Real servers, sockets,
 * SQLite and TLS are used everywhere else.
 */
import {PassThrough} from 'node:stream'

import type {
  AccountInfo,
  AuditedAttributes,
  Bid,
  BidFilter,
  Certificate,
  Deployment,
  DeploymentId,
  GroupSpec,
  Lease,
  LeaseFilter,
  LeaseId,
  Order,
  OrderFilter,
  ProviderInfo,
  ResourceUnit,
} from '../../../src/market/market.js'
import type {ProviderMsg, TxOutcome} from '../../../src/provider/chain/messages.js'
import {TxRejected} from '../../../src/provider/chain/messages.js'
import type {ManifestGroup} from '../../../src/provider/runtime/manifest-types.js'
import {TestMarket} from '../../helpers/test-market.js'
import type {
  ExecOptions,
  ExecSession,
  LeaseId as RtLeaseId,
  LeaseRuntimeStatus,
  LogLine,
  LogOptions,
  Runtime,
  RuntimeEvent,
  RuntimeInfo,
  RunningLease,
} from '../../../src/provider/runtime/types.js'

export const OWNER = 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh'
export const PROVIDER = 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x'
export const OTHER = 'akash1qgpqyqszqgpqyqszqgpqyqszqgpqyqszwv2uls'

export function unit(partial: Partial<ResourceUnit> = {}): ResourceUnit {
  return {
    id: 1,
    cpuMillis: 500n,
    memoryBytes: 512n * 1024n * 1024n,
    storage: [{name: 'default', bytes: 1024n * 1024n * 1024n, attributes: []}],
    gpu: {units: 0n, attributes: []},
    endpoints: [{kind: 'shared_http', sequenceNumber: 0}],
    count: 1,
    price: {denom: 'uact', amount: 10n ** 18n * 1000n},
    ...partial,
  }
}

export function spec(partial: Partial<GroupSpec> = {}): GroupSpec {
  return {name: 'dcloud', requirements: {signedBy: {allOf: [], anyOf: []}, attributes: []}, resources: [unit()], ...partial}
}

export function order(dseq: number, partial: Partial<Order> = {}, owner = OWNER): Order {
  return {id: {owner, dseq: BigInt(dseq), gseq: 1, oseq: 1}, state: 'open', spec: spec(), createdAt: 10, ...partial}
}

/** The provider's view of the chain: an order book the tests fill; other calls are not stubbed (TestMarket). */
export class FakeMarket extends TestMarket {
  height = 10
  orderList: Order[] = []
  bidList: Bid[] = []
  leaseList: Lease[] = []
  deploymentList: Deployment[] = []
  providerInfo = new Map<string, ProviderInfo>()
  audited: AuditedAttributes[] = []
  accounts = new Map<string, AccountInfo>()
  certs: Certificate[] = []
  leaseQueries = 0

  async orders(filter: OrderFilter = {}): Promise<Order[]> {
    return this.orderList.filter((o) => (!filter.state || o.state === filter.state) && (!filter.owner || o.id.owner === filter.owner))
  }
  async bids(filter: BidFilter): Promise<Bid[]> {
    return this.bidList.filter(
      (b) =>
        (!filter.provider || b.id.provider === filter.provider) &&
        (!filter.state || b.state === filter.state) &&
        (!filter.owner || b.id.owner === filter.owner) &&
        (filter.dseq === undefined || b.id.dseq === filter.dseq),
    )
  }
  async leases(filter: LeaseFilter): Promise<Lease[]> {
    return this.leaseList.filter(
      (l) =>
        (!filter.provider || l.id.provider === filter.provider) &&
        (!filter.state || l.state === filter.state) &&
        (!filter.owner || l.id.owner === filter.owner) &&
        (filter.dseq === undefined || l.id.dseq === filter.dseq),
    )
  }
  async lease(id: LeaseId): Promise<Lease | undefined> {
    this.leaseQueries++
    return this.leaseList.find((l) => l.id.owner === id.owner && l.id.dseq === id.dseq && l.id.gseq === id.gseq && l.id.oseq === id.oseq)
  }
  async deployment(id: DeploymentId): Promise<Deployment | undefined> {
    return this.deploymentList.find((d) => d.id.owner === id.owner && d.id.dseq === id.dseq)
  }
  async provider(owner: string): Promise<ProviderInfo | undefined> {
    return this.providerInfo.get(owner)
  }
  async auditedAttributes(provider: string): Promise<AuditedAttributes[]> {
    return this.audited.filter((a) => a.owner === provider)
  }
  async account(address: string): Promise<AccountInfo | undefined> {
    return this.accounts.get(address)
  }
  /** The chain's bid minimum deposits; none: the provider falls back to Akash's default and warns. */
  async bidMinDeposits(): Promise<Array<{denom: string; amount: bigint}>> {
    return []
  }

  async certificates(owner: string, serial?: string): Promise<Certificate[]> {
    return this.certs.filter((c) => c.owner === owner && (!serial || c.serial === serial))
  }

  /** Puts a lease on "chain" for `o` won by `provider`. */
  addLease(o: Order, provider = PROVIDER, price = 10n ** 18n): Lease {
    const lease: Lease = {
      id: {...o.id, provider, bseq: 0},
      state: 'active',
      price: {denom: 'uact', amount: price},
      createdAt: this.height,
      closedOn: 0,
    }
    this.leaseList.push(lease)
    return lease
  }
}

/** Records messages; each resolves as included at `height` unless `reject` says otherwise. */
export class FakeTx {
  sent: ProviderMsg[] = []
  height = 11
  reject?: (msg: ProviderMsg) => string | undefined
  async submit(msg: ProviderMsg): Promise<TxOutcome> {
    this.sent.push(msg)
    const why = this.reject?.(msg)
    if (why) throw new TxRejected(why)
    return {txHash: `TX${this.sent.length}`, height: this.height}
  }
}

interface FakeLease {
  group: ManifestGroup
  version?: string
}

/** A runtime that "runs" leases in memory: every replica is running on port 30000+. */
export class FakeRuntime implements Runtime {
  readonly kind = 'docker' as const
  leases = new Map<string, FakeLease>()
  deployed: string[] = []
  tornDown: string[] = []
  logLines: LogLine[] = []
  eventList: RuntimeEvent[] = []
  failDeploy?: string
  /** Deploys wait for it (an image pull in progress). */
  deployGate?: Promise<void>
  execCalls: ExecOptions[] = []
  /** Per lease, one operation at a time, as the real runtimes do: teardown waits for a deploy. */
  private queue = new Map<string, Promise<unknown>>()

  private serialised<T>(lease: RtLeaseId, fn: () => Promise<T>): Promise<T> {
    const previous = this.queue.get(this.key(lease)) ?? Promise.resolve()
    const run = previous.then(fn, fn)
    this.queue.set(this.key(lease), run.catch(() => undefined))
    return run
  }

  private key(l: RtLeaseId): string {
    return `${l.owner}/${l.dseq}/${l.gseq}/${l.oseq}`
  }
  async info(): Promise<RuntimeInfo> {
    return {kind: 'docker', engine: 'Fake Engine', version: '1', isolated: true, usesImages: true, terminal: true}
  }
  deploy(lease: RtLeaseId, group: ManifestGroup, options?: {manifestVersion?: string}): Promise<LeaseRuntimeStatus> {
    return this.serialised(lease, async () => {
      await this.deployGate
      if (this.failDeploy) throw new Error(this.failDeploy)
      this.leases.set(this.key(lease), {group, version: options?.manifestVersion})
      this.deployed.push(this.key(lease))
      return this.status(lease)
    })
  }
  update(lease: RtLeaseId, group: ManifestGroup, options?: {manifestVersion?: string}) {
    return this.deploy(lease, group, options)
  }
  async status(lease: RtLeaseId): Promise<LeaseRuntimeStatus> {
    const l = this.leases.get(this.key(lease))
    const services: LeaseRuntimeStatus['services'] = {}
    let port = 30000
    for (const s of l?.group.services ?? []) {
      services[s.name] = {
        name: s.name,
        total: s.count,
        available: s.count,
        ready: true,
        generation: 1,
        updated: s.count,
        replicas: Array.from({length: s.count}, (_, i) => ({replica: i, id: `c${i}`, state: 'running' as const})),
        ports: (s.expose ?? []).map((e) => ({
          service: s.name,
          replica: 0,
          port: e.port,
          externalPort: e.externalPort || e.port,
          proto: 'TCP' as const,
          global: e.global,
          ingress: e.global && (e.externalPort || e.port) === 80,
          hostIp: '127.0.0.1',
          hostPort: port++,
          hosts: e.hosts ?? [],
          httpOptions: {maxBodySize: 1048576, readTimeout: 60000, sendTimeout: 60000, nextTries: 3, nextTimeout: 0, nextCases: ['error', 'timeout']},
        })),
      }
    }
    return {lease, group: l?.group.name ?? '', services, errors: []}
  }
  async *logs(_lease: RtLeaseId, options?: LogOptions): AsyncIterable<LogLine> {
    for (const line of this.logLines) {
      if (options?.services?.length && !options.services.includes(line.service)) continue
      yield line
    }
  }
  async *events(): AsyncIterable<RuntimeEvent> {
    for (const e of this.eventList) yield e
  }
  async exec(_lease: RtLeaseId, options: ExecOptions): Promise<ExecSession> {
    this.execCalls.push(options)
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    const stdin = options.stdin ? new PassThrough() : undefined
    let input = ''
    stdin?.on('data', (c) => (input += c))
    const exit = new Promise<{exitCode: number}>((resolve) => {
      const finish = () => {
        stdout.end(`ran ${options.cmd.join(' ')}${input ? ` with ${input}` : ''}\n`)
        stderr.end('warn\n')
        setTimeout(() => resolve({exitCode: options.cmd.includes('fail') ? 3 : 0}), 5)
      }
      if (stdin) stdin.on('end', finish)
      else setTimeout(finish, 5)
    })
    return {stdout, stderr, stdin, resize: async () => {}, exit, close: () => {}}
  }
  teardown(lease: RtLeaseId): Promise<void> {
    return this.serialised(lease, async () => {
      this.leases.delete(this.key(lease))
      this.tornDown.push(this.key(lease))
    })
  }
  async list(): Promise<RunningLease[]> {
    return [...this.leases.entries()].map(([k, v]) => {
      const [owner, dseq, gseq, oseq] = k.split('/')
      return {lease: {owner, dseq, gseq: Number(gseq), oseq: Number(oseq), provider: PROVIDER}, group: v.group.name, services: v.group.services.map((s) => s.name)}
    })
  }
  async close(): Promise<void> {}
}
