/**
 * Waiting for a lease's services to run, shared by `edge deploy` and `edge update`: poll each
 * provider's lease status until every expected service has all its replicas available (edge's
 * providers count a replica only once it stayed up through a grace period), and fail within a
 * poll or two once a provider reports a failure (a replica that exited, crash-loops, could not
 * start, or whose image could not be pulled), with the exit code and the last log lines.
 */
import {ProviderError, ServiceFailedError, type EdgeError} from '../../errors.js'
import type {ProviderClient} from '../../provider-client/client.js'
import type {LeaseRef, LeaseStatus, ServiceFailureJson} from '../../provider-client/types.js'
import {servicesReady, summarizeServices} from './status.js'
import type {DeployedService} from './types.js'

export interface ReadyTarget {
  /** Identifies the lease among the targets (and in the returned map). */
  key: string
  provider: string
  ref: LeaseRef
  client: Pick<ProviderClient, 'leaseStatus'>
}

/** A failure as `edge deploy --json` and `edge update --json` report it (`error.details.failures`). */
export interface ServiceFailure {
  provider: string
  service: string
  replica?: number
  reason: string
  message: string
  exitCode?: number
  restarts: number
  lastLines: string[]
}

export interface WaitOptions {
  targets: ReadyTarget[]
  /** Services that must all be ready. */
  services: readonly string[]
  dseq: bigint
  /**
   * For an update: the manifest version (hex) the provider must be applying. An edge provider says
   * which one it applies; with another provider the services must be on their latest spec.
   */
  manifestVersion?: string
  readyTimeoutMs: number
  intervalMs: number
  signal: AbortSignal
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Fails once failures were reported in this many polls in a row (default 2: one poll may catch a replica being replaced). */
  failAfterPolls?: number
  /** Throws the cancellation error when the run was cancelled. */
  checkCancelled: () => void
}

export type ReadyEvent =
  | {type: 'services'; ready: boolean; services: DeployedService[]; ts: string}
  | {type: 'warning'; message: string; ts: string}

/** Client errors that mean "not yet" while a provider processes the manifest. */
const TRANSIENT = new Set(['provider_lease_not_found', 'provider_unreachable', 'provider_failed'])

/**
 * Polls until ready (returns each lease's last status), or throws: ServiceFailedError (exit 7)
 * when the provider reports failures, ProviderError `services_not_ready` after the timeout.
 */
export async function* waitForServices(o: WaitOptions): AsyncGenerator<ReadyEvent, Map<string, LeaseStatus>> {
  const ts = () => new Date(o.now()).toISOString()
  const deadline = o.now() + o.readyTimeoutMs
  const statuses = new Map<string, LeaseStatus>()
  const warned = new Set<string>()
  const failAfter = o.failAfterPolls ?? 2
  let lastKey = ''
  let lastError: unknown
  let failingPolls = 0
  let polls = 0
  for (;;) {
    o.checkCancelled()
    polls++
    for (const t of o.targets) {
      try {
        statuses.set(t.key, await t.client.leaseStatus(t.ref, o.signal))
        lastError = undefined
      } catch (error) {
        o.checkCancelled()
        if (!TRANSIENT.has((error as EdgeError).code)) throw error
        lastError = error
      }
    }
    for (const status of statuses.values()) {
      for (const message of status.edge?.warnings ?? []) {
        if (warned.has(message)) continue
        warned.add(message)
        yield {type: 'warning', message, ts: ts()}
      }
    }
    const failures = reportedFailures(o.targets, statuses, o.manifestVersion)
    failingPolls = failures.length > 0 ? failingPolls + 1 : 0
    if (failingPolls >= failAfter) throw serviceFailed(o.dseq, failures)
    const services = summarizeServices([...statuses.values()])
    const key = JSON.stringify(services)
    const ready =
      failures.length === 0 &&
      statuses.size === o.targets.length &&
      servicesReady([...statuses.values()], o.services) &&
      (o.manifestVersion === undefined || [...statuses.values()].every((s) => appliesVersion(s, o.manifestVersion!, polls)))
    if (key !== lastKey || ready) {
      lastKey = key
      yield {type: 'services', ready, services, ts: ts()}
    }
    if (ready) return statuses
    if (o.now() >= deadline) {
      const detail = services.length ? services.map((s) => `${s.name} ${s.ready}/${s.total}`).join(', ') : 'no status yet'
      throw new ProviderError(`The services did not become ready within ${Math.round(o.readyTimeoutMs / 1000)} s (${detail}).${warned.size ? ` The provider warns: ${[...warned].join(' ')}` : ''}`, {
        code: 'services_not_ready',
        details: {dseq: o.dseq, services, ...(warned.size ? {warnings: [...warned]} : {}), ...(lastError ? {lastError: (lastError as Error).message} : {})},
      })
    }
    await o.sleep(o.intervalMs, o.signal)
  }
}

/** The provider applies `version` (edge) or, lacking that word, every service runs its latest spec. */
function appliesVersion(status: LeaseStatus, version: string, polls: number): boolean {
  if (status.edge) return status.edge.manifest_version === version && !status.edge.deploying
  // An Akash provider answers with the old pods until it has processed the manifest: give it a poll.
  return polls > 1 && Object.values(status.services ?? {}).every((s) => s.updated_replicas === undefined || s.updated_replicas >= (s.replicas ?? s.total))
}

/**
 * Failures from edge's extension, or the plain `errors` lines of any other provider. While an edge
 * provider is still applying a manifest (or another one than `version`), what it reports is about
 * the replicas being replaced, not the new ones: an update of a crashing service must not fail on
 * the old crash.
 */
export function reportedFailures(targets: readonly ReadyTarget[], statuses: ReadonlyMap<string, LeaseStatus>, version?: string): ServiceFailure[] {
  const out: ServiceFailure[] = []
  for (const t of targets) {
    const status = statuses.get(t.key)
    if (!status) continue
    if (status.edge && (status.edge.deploying || (version !== undefined && status.edge.manifest_version !== undefined && status.edge.manifest_version !== version))) continue
    if (status.edge?.failures) {
      out.push(...status.edge.failures.map((f) => fromJson(t.provider, f)))
      continue
    }
    for (const message of status.errors ?? []) out.push({provider: t.provider, service: '', reason: 'error', message, restarts: 0, lastLines: []})
  }
  return out
}

function fromJson(provider: string, f: ServiceFailureJson): ServiceFailure {
  return {
    provider,
    service: f.service,
    ...(f.replica !== undefined ? {replica: f.replica} : {}),
    reason: f.reason,
    message: f.message,
    ...(f.exit_code !== undefined ? {exitCode: f.exit_code} : {}),
    restarts: f.restarts ?? 0,
    lastLines: [...(f.last_lines ?? [])],
  }
}

/** "web replica 0 exited with code 3 (…)" plus its last log lines, for every failure. */
export function serviceFailed(dseq: bigint, failures: ServiceFailure[]): ServiceFailedError {
  const first = failures[0]
  const services = [...new Set(failures.map((f) => f.service).filter(Boolean))]
  const head = services.length > 0 ? `Service ${services.join(', ')} failed` : 'The provider reports that the services fail'
  const parts = failures.slice(0, 3).map((f) => {
    const lines = f.lastLines.length ? `\nLast log lines:\n${f.lastLines.map((l) => `  ${l}`).join('\n')}` : ''
    return `${f.message}${lines}`
  })
  const more = failures.length > 3 ? `\n(and ${failures.length - 3} more)` : ''
  return new ServiceFailedError(`${head}: ${parts.join('\n')}${more}`, {
    details: {
      dseq,
      // The service's own exit code (edge's is the envelope's exitCode, 7).
      ...(first?.exitCode !== undefined ? {serviceExitCode: first.exitCode} : {}),
      failures,
    },
  })
}
