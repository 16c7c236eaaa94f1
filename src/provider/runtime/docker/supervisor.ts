import type Docker from 'dockerode'

import type {EventJournal} from '../event-journal.js'
import {Labels, leaseFromLabels, leaseKey, matchesLabelFilters} from '../labels.js'
import {failureMessage, lastLines, nextCrashCount, restartDelayMs} from '../supervision.js'
import type {LeaseId, ReplicaFailure, RuntimeEvent} from '../types.js'
import {statusCode} from './image-pull.js'
import {containerLogLines} from './logs.js'
import {containerState, exitCodeFromStatus} from './status.js'

/** What the provider knows about one container it supervises (restarts are the provider's, not the engine's). */
export interface Supervised {
  lease: LeaseId
  service: string
  replica: number
  /** Ms since the epoch of the last start. */
  startedAt?: number
  restarts: number
  crashes: number
  exitCode?: number
  nextRestartAt?: number
  timer?: NodeJS.Timeout
}

export interface SupervisorOptions {
  docker: Docker
  journal: EventJournal
  now: () => number
  /** The runtime's per-lease lock: a restart waits for a deploy or teardown of its lease. */
  serialised: <T>(lease: LeaseId, fn: () => Promise<T>) => Promise<T>
  /** The engine label filters that select this provider's containers. */
  labelFilters: string[]
  /** How often exited replicas whose engine event was missed are looked for. */
  sweepMs?: number
}

/**
 * Restarts the containers the provider created with the engine's restart policy off, with the
 * back-off of supervision.ts (the same policy as the process runtime's), and tells each crash in
 * the lease's events. Keyed by container id.
 */
export class ContainerSupervisor {
  private readonly supervised = new Map<string, Supervised>()
  /** Containers being removed on purpose: their exit is not a crash. */
  private readonly removing = new Set<string>()
  private sweeper: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly o: SupervisorOptions) {}

  get isClosed(): boolean {
    return this.closed
  }

  isRemoving(id: string): boolean {
    return this.removing.has(id)
  }

  /** An engine event about one of our containers: supervision reads it, the journal gets it (or what it means). */
  onEngineEvent(event: RuntimeEvent, id: string | undefined): void {
    if (!id) {
      this.o.journal.emit(event)
      return
    }
    if (event.type === 'container.started') {
      const s = this.supervised.get(id)
      if (s) s.startedAt = event.ts
    } else if (event.type === 'container.removed') {
      this.forget(id)
    } else if (event.type === 'container.died') {
      if (this.removing.has(id)) {
        this.o.journal.emit({...event, severity: 'normal', reason: 'Killing', message: `Stopped ${event.service ?? 'container'} replica ${event.replica ?? 0}`})
        return
      }
      if (event.service !== undefined) {
        const s = this.supervision(id, event.lease, event.service, event.replica ?? 0)
        this.crashed(id, s, event.exitCode, event.ts)
        return
      }
    }
    this.o.journal.emit(event)
  }

  supervision(id: string, lease: LeaseId, service: string, replica: number): Supervised {
    let s = this.supervised.get(id)
    if (!s) {
      s = {lease, service, replica, restarts: 0, crashes: 0}
      this.supervised.set(id, s)
    }
    return s
  }

  /** A container exited on its own: tell it (exit code, last lines) and restart it after the back-off. */
  crashed(id: string, s: Supervised, exitCode: number | undefined, at: number): void {
    if (s.timer || this.closed) return
    s.crashes = nextCrashCount(s.crashes, s.startedAt !== undefined ? at - s.startedAt : 0)
    if (exitCode !== undefined) s.exitCode = exitCode
    s.nextRestartAt = at + restartDelayMs(s.crashes - 1)
    s.timer = setTimeout(() => {
      s.timer = undefined
      void this.o.serialised(s.lease, () => this.restart(id, s)).catch(() => undefined)
    }, Math.max(0, s.nextRestartAt - this.o.now()))
    s.timer.unref()
    void this.failure(id, s, s.exitCode, 'exited').then((f) => {
      this.o.journal.emit({
        ts: this.o.now(),
        lease: s.lease,
        type: 'container.died',
        service: s.service,
        replica: s.replica,
        severity: 'warning',
        reason: 'BackOff',
        message: `${f.message}; restarting in ${Math.max(1, Math.ceil(((s.nextRestartAt ?? at) - this.o.now()) / 1000))} s${f.lastLines.length ? `; last log lines: ${f.lastLines.join(' | ')}` : ''}`,
        ...(s.exitCode !== undefined ? {exitCode: s.exitCode} : {}),
      })
    })
  }

  private async restart(id: string, s: Supervised): Promise<void> {
    if (this.closed || this.removing.has(id)) return
    let info
    try {
      info = await this.o.docker.getContainer(id).inspect()
    } catch (error) {
      if (statusCode(error) === 404) this.forget(id)
      return
    }
    if (info.State.Running) return
    try {
      await this.o.docker.getContainer(id).start()
      s.restarts += 1
      s.startedAt = this.o.now()
    } catch (error) {
      if (statusCode(error) === 404) {
        this.forget(id)
        return
      }
      // It could not even start (a port taken meanwhile): one more crash, one more back-off.
      this.crashed(id, s, s.exitCode, this.o.now())
    }
  }

  forget(id: string): void {
    const s = this.supervised.get(id)
    if (s?.timer) clearTimeout(s.timer)
    this.supervised.delete(id)
  }

  forgetLease(lease: LeaseId): void {
    for (const [id, s] of this.supervised) if (leaseKey(s.lease) === leaseKey(lease)) this.forget(id)
  }

  /** When a running container last started (from the engine, once; then kept). */
  async startedAt(id: string): Promise<number | undefined> {
    try {
      const started = Date.parse((await this.o.docker.getContainer(id).inspect()).State.StartedAt)
      return started > 0 ? started : undefined
    } catch {
      return undefined
    }
  }

  async failure(id: string, s: Supervised, exitCode: number | undefined, reason: 'exited' | 'crash_loop'): Promise<ReplicaFailure> {
    const base = {service: s.service, replica: s.replica, reason, ...(exitCode !== undefined ? {exitCode} : {}), restarts: s.restarts, lastLines: await this.lastLines(id, s)}
    return {...base, message: failureMessage(base, this.o.now(), reason === 'exited' ? s.nextRestartAt : undefined)}
  }

  private async lastLines(id: string, s: Supervised): Promise<string[]> {
    const lines: string[] = []
    try {
      for await (const l of containerLogLines(this.o.docker, [{id, service: s.service, replica: s.replica}], {tail: 10})) lines.push(l.line)
    } catch {
      // No logs (removed meanwhile): the failure is still worth telling.
    }
    return lastLines(lines)
  }

  /** Finds exited containers whose engine event was missed, so they are restarted all the same. */
  start(): void {
    if (this.sweeper || this.closed) return
    this.sweeper = setInterval(() => {
      void this.sweep().catch(() => undefined)
    }, this.o.sweepMs ?? 10_000)
    this.sweeper.unref()
  }

  private async sweep(): Promise<void> {
    const label = this.o.labelFilters
    const containers = (await this.o.docker.listContainers({all: true, filters: {label}})).filter((c) => matchesLabelFilters(c.Labels, label))
    for (const c of containers) {
      const state = containerState(c.State)
      if ((state !== 'exited' && state !== 'dead') || this.removing.has(c.Id)) continue
      const lease = leaseFromLabels(c.Labels)
      const service = c.Labels?.[Labels.service]
      if (!lease || !service) continue
      const s = this.supervision(c.Id, lease, service, Number(c.Labels?.[Labels.replica] ?? 0))
      if (!s.timer) this.crashed(c.Id, s, exitCodeFromStatus(c.Status), this.o.now())
    }
  }

  /** Removes a container on purpose: its exit is not a crash, and it is no longer restarted. */
  async remove(id: string): Promise<void> {
    this.removing.add(id)
    const s = this.supervised.get(id)
    if (s?.timer) clearTimeout(s.timer)
    try {
      await this.o.docker.getContainer(id).remove({force: true, v: true})
    } catch (error) {
      if (statusCode(error) !== 404) throw error
    } finally {
      // The engine's die event for it arrives a moment later; forget it after that.
      setTimeout(() => {
        this.removing.delete(id)
        this.supervised.delete(id)
      }, 30_000).unref()
    }
  }

  close(): void {
    this.closed = true
    if (this.sweeper) clearInterval(this.sweeper)
    for (const s of this.supervised.values()) if (s.timer) clearTimeout(s.timer)
  }
}
