import type Docker from 'dockerode'
import type {Readable} from 'node:stream'

import {Labels, leaseFromLabels, matchesLabelFilters} from '../labels.js'
import {LineSplitter} from '../stream/line-splitter.js'
import type {RuntimeEvent} from '../types.js'

/** One JSON object of `GET /events`, as Docker and Podman send it. */
export interface EngineEventMessage {
  Type?: string
  Action?: string
  status?: string
  id?: string
  time?: number
  timeNano?: number
  Actor?: {ID?: string; Attributes?: Record<string, string>}
}

/** Maps a container event of the engine to a lease event; undefined for other objects or actions. */
export function runtimeEventFromEngine(message: EngineEventMessage): RuntimeEvent | undefined {
  if ((message.Type ?? 'container') !== 'container') return undefined
  const attributes = message.Actor?.Attributes ?? {}
  const lease = leaseFromLabels(attributes)
  if (!lease) return undefined
  const ts = message.timeNano ? Math.floor(message.timeNano / 1e6) : (message.time ?? 0) * 1000
  const service = attributes[Labels.service]
  const replica = attributes[Labels.replica] !== undefined ? Number(attributes[Labels.replica]) : undefined
  const who = `${service ?? 'container'}${replica !== undefined ? ` replica ${replica}` : ''}`
  const base = {ts, lease, ...(service ? {service} : {}), ...(replica !== undefined ? {replica} : {})}
  const action = message.Action ?? message.status ?? ''
  switch (action) {
    case 'create':
      return {...base, type: 'container.created', severity: 'normal', reason: 'Created', message: `Created ${who}`}
    case 'start':
      return {...base, type: 'container.started', severity: 'normal', reason: 'Started', message: `Started ${who}`}
    case 'die': {
      const exitCode = Number(attributes.exitCode ?? attributes.containerExitCode ?? NaN)
      const ok = exitCode === 0
      return {
        ...base,
        type: 'container.died',
        severity: ok ? 'normal' : 'warning',
        reason: ok ? 'Completed' : 'BackOff',
        message: `${who} exited${Number.isFinite(exitCode) ? ` with code ${exitCode}` : ''}`,
        ...(Number.isFinite(exitCode) ? {exitCode} : {}),
      }
    }
    case 'oom':
      return {...base, type: 'container.oom', severity: 'warning', reason: 'OOMKilling', message: `${who} ran out of memory`}
    case 'destroy':
    case 'remove':
      return {...base, type: 'container.removed', severity: 'normal', reason: 'Killing', message: `Removed ${who}`}
    default:
      return undefined
  }
}

export interface EngineEventWatcherOptions {
  labelFilters: string[]
  /** Each lease event, with the id of the container it is about. */
  onEvent: (event: RuntimeEvent, containerId: string | undefined) => void
  /** Delay before reconnecting after the stream broke. */
  retryMs?: number
}

/** One long-lived `GET /events` subscription, reconnected when it breaks, until stopped. */
export class EngineEventWatcher {
  private stream: Readable | undefined
  private started: Promise<void> | undefined
  private stopped = false
  private retry: NodeJS.Timeout | undefined

  constructor(
    private readonly docker: Docker,
    private readonly options: EngineEventWatcherOptions,
  ) {}

  /** Resolves once the engine has accepted the subscription (events after this are seen). */
  start(): Promise<void> {
    this.started ??= this.connect().catch((error) => {
      this.started = undefined
      throw error
    })
    return this.started
  }

  stop(): void {
    this.stopped = true
    if (this.retry) clearTimeout(this.retry)
    this.stream?.destroy()
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    this.retry = setTimeout(() => {
      this.connect().catch(() => this.scheduleReconnect())
    }, this.options.retryMs ?? 1000)
    this.retry.unref()
  }

  private async connect(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: {type: ['container'], label: this.options.labelFilters},
    })) as unknown as Readable
    if (this.stopped) {
      stream.destroy()
      return
    }
    this.stream = stream
    const lines = new LineSplitter()
    stream.on('data', (chunk: Buffer) => {
      for (const raw of lines.push(chunk)) {
        const line = raw.trim()
        if (!line) continue
        try {
          const message = JSON.parse(line) as EngineEventMessage
          // Podman ORs several label filters: the events of another provider's containers on the
          // same engine arrive too, and supervising them would restart them behind its back-off.
          if (!matchesLabelFilters(message.Actor?.Attributes, this.options.labelFilters)) continue
          const event = runtimeEventFromEngine(message)
          if (event) this.options.onEvent(event, message.Actor?.ID ?? message.id)
        } catch {
          // A line that is not an event is not ours to judge.
        }
      }
    })
    const reconnect = () => {
      if (this.stream !== stream) return
      this.stream = undefined
      this.scheduleReconnect()
    }
    stream.on('end', reconnect)
    stream.on('close', reconnect)
    stream.on('error', reconnect)
  }
}
