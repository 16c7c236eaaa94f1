/**
 * Log lines for the Ink viewer. Lines are batched (a chatty service can print thousands a second)
 * and handed to `<Static>`, which writes each line once and never re-renders it. To keep memory
 * bounded on long follows, a full batch list starts a new generation: the old `<Static>` has
 * already written its lines, so the new one starts empty.
 */
export interface ViewLine {
  id: number
  service: string
  message: string
}

export interface LogViewState {
  generation: number
  lines: ViewLine[]
  status: 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'failed'
  note?: string
  count: number
}

export class LogStore {
  private state: LogViewState = {generation: 0, lines: [], status: 'connecting', count: 0}
  private pending: ViewLine[] = []
  private timer?: NodeJS.Timeout
  private readonly listeners = new Set<() => void>()
  private nextId = 0

  constructor(private readonly options: {batchMs?: number; maxLines?: number} = {}) {}

  getState = (): LogViewState => this.state
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(patch: Partial<LogViewState>): void {
    this.state = {...this.state, ...patch}
    for (const l of this.listeners) l()
  }

  push(service: string, message: string): void {
    this.pending.push({id: this.nextId++, service, message: message.replace(/\n$/, '')})
    if (this.state.status !== 'streaming') this.set({status: 'streaming', note: undefined})
    this.timer ??= setTimeout(() => this.flush(), this.options.batchMs ?? 30)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    const max = this.options.maxLines ?? 5000
    if (this.state.lines.length + batch.length > max) {
      this.set({generation: this.state.generation + 1, lines: batch, count: this.state.count + batch.length})
    } else {
      this.set({lines: [...this.state.lines, ...batch], count: this.state.count + batch.length})
    }
  }

  setStatus(status: LogViewState['status'], note?: string): void {
    this.flush()
    this.set({status, note})
  }
}
