/**
 * Reconnecting a log stream without printing a line twice.
 *
 * The provider's log frames are `{name, message}`: no sequence number, no timestamp. After a
 * drop, edge reconnects asking for the last `n` lines again (`tail=n`, where n is what it
 * remembers of the stream) and aligns that replay with what it already printed: the replay is
 * (a suffix of what was seen) followed by (lines produced while disconnected). Per stream name,
 * the alignment is the latest position `e` in the replay such that the replay up to `e` ends with
 * the remembered lines — as many of them as fit, back to the start of either sequence. Lines
 * after `e` are new. Choosing the latest position never repeats a line; the price is that a line
 * identical to the ones just before the drop can, rarely, be taken for a repeat.
 *
 * The replay arrives as a burst; the caller buffers it (`push` returns nothing while resyncing)
 * and calls `flush` once the stream has been quiet for a moment, or ends.
 */
export interface NamedLine {
  name: string
  message: string
}

export class LogDeduper {
  private readonly history = new Map<string, string[]>()
  private pending: NamedLine[] | undefined

  /** @param keep how many lines per name are remembered (and replayed on reconnect). */
  constructor(private readonly keep = 1000) {}

  get resyncing(): boolean {
    return this.pending !== undefined
  }

  /** The `tail` to ask for on reconnect: the longest remembered history (0 when none). */
  replayTail(): number {
    let max = 0
    for (const lines of this.history.values()) max = Math.max(max, lines.length)
    return max
  }

  /** Called when a new connection (a reconnect) starts delivering a replay. */
  beginResync(): void {
    if (this.history.size > 0) this.pending = []
  }

  /** One line from the stream; returns the lines that may be shown now. */
  push(line: NamedLine): NamedLine[] {
    if (this.pending) {
      this.pending.push(line)
      return []
    }
    this.remember(line)
    return [line]
  }

  /** Ends the resync: aligns the buffered replay with history and returns the new lines. */
  flush(): NamedLine[] {
    const replay = this.pending
    this.pending = undefined
    if (!replay) return []
    const byName = new Map<string, string[]>()
    for (const line of replay) {
      const list = byName.get(line.name) ?? []
      list.push(line.message)
      byName.set(line.name, list)
    }
    // Per name, how many replayed lines are repeats; then keep the original interleaving.
    const skip = new Map<string, number>()
    for (const [name, lines] of byName) skip.set(name, alignment(this.history.get(name) ?? [], lines) + 1)
    const out: NamedLine[] = []
    for (const line of replay) {
      const left = skip.get(line.name) ?? 0
      if (left > 0) {
        skip.set(line.name, left - 1)
        continue
      }
      this.remember(line)
      out.push(line)
    }
    return out
  }

  private remember(line: NamedLine): void {
    const list = this.history.get(line.name) ?? []
    list.push(line.message)
    if (list.length > this.keep) list.splice(0, list.length - this.keep)
    this.history.set(line.name, list)
  }
}

/**
 * The index of the last replayed line that repeats history (-1: none does): the largest `e`
 * such that replay[0..e] ends with the last min(e+1, |history|) history lines.
 */
export function alignment(history: readonly string[], replay: readonly string[]): number {
  const n = history.length
  if (n === 0) return -1
  for (let e = replay.length - 1; e >= 0; e--) {
    const w = Math.min(e + 1, n)
    let ok = true
    for (let i = 0; i < w; i++) {
      if (replay[e - i] !== history[n - 1 - i]) {
        ok = false
        break
      }
    }
    if (ok) return e
  }
  return -1
}
