import {closeSync, openSync, readSync, statSync} from 'node:fs'

import {AsyncQueue} from '../../../lib/async-queue.js'
import {LineSplitter} from '../stream/line-splitter.js'
import type {LogLine} from '../types.js'

export interface LogFileSource {
  service: string
  replica: number
  stream: 'stdout' | 'stderr'
  path: string
  /** Whether the writer may still append (follow stops once no writer is alive and all is read). */
  alive: () => boolean
}

export interface LogFileOptions {
  tail?: number
  follow?: boolean
  signal?: AbortSignal
  pollMs?: number
}

/** The size of a file in bytes; 0 when it does not exist (yet). */
export function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/**
 * Byte offset where the last `lines` lines of the file start (reads backwards in blocks). `size`
 * is the snapshot to count back from (default: the size now); a writer appending meanwhile does
 * not move it.
 */
export function tailOffset(path: string, lines: number, size = fileSize(path)): number {
  if (lines < 0) return 0
  if (size === 0 || lines === 0) return size
  const fd = openSync(path, 'r')
  try {
    const block = 64 * 1024
    let pos = size
    let newlines = 0
    // A final newline ends the last line; it does not start another one.
    const last = Buffer.alloc(1)
    readSync(fd, last, 0, 1, size - 1)
    if (last[0] === 0x0a) pos = size - 1
    const buf = Buffer.alloc(block)
    while (pos > 0) {
      const start = Math.max(0, pos - block)
      const n = readSync(fd, buf, 0, pos - start, start)
      for (let i = n - 1; i >= 0; i--) {
        if (buf[i] === 0x0a) {
          newlines += 1
          if (newlines === lines) return start + i + 1
        }
      }
      pos = start
    }
    return 0
  } finally {
    closeSync(fd)
  }
}

/** Lines of log files, from the tail, then (with follow) as they are appended. */
export function logFileLines(sources: LogFileSource[], options: LogFileOptions = {}): AsyncIterable<LogLine> {
  const pollMs = options.pollMs ?? 100
  let timer: NodeJS.Timeout | undefined
  let paused = false
  const stop = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    options.signal?.removeEventListener('abort', onAbort)
  }
  const onAbort = () => {
    stop()
    queue.end()
  }
  const queue = new AsyncQueue<LogLine>({
    highWater: 20_000,
    onPause: () => {
      paused = true
    },
    onResume: () => {
      paused = false
      schedule(0)
    },
    onClose: stop,
  })
  const state = sources.map((s) => {
    // One size for both ends: the tail counts back from it and, without follow, reading stops
    // there. Two stat calls would let a line appended in between make `tail: N` return N + 1.
    const size = fileSize(s.path)
    return {
      source: s,
      offset: tailOffset(s.path, options.tail ?? -1, size),
      end: options.follow ? Number.POSITIVE_INFINITY : size,
      splitter: new LineSplitter(),
    }
  })
  const buf = Buffer.alloc(256 * 1024)
  const readAvailable = (): boolean => {
    let any = false
    for (const st of state) {
      const size = Math.min(fileSize(st.source.path), st.end)
      if (size < st.offset) st.offset = 0 // truncated
      while (st.offset < size && !paused) {
        let fd: number
        try {
          fd = openSync(st.source.path, 'r')
        } catch {
          break
        }
        try {
          const n = readSync(fd, buf, 0, Math.min(buf.length, size - st.offset), st.offset)
          if (n <= 0) break
          st.offset += n
          any = true
          const lines = st.splitter.push(buf.subarray(0, n))
          const {service, replica, stream} = st.source
          queue.pushAll(lines.map((line) => ({service, replica, line, stream})))
        } finally {
          closeSync(fd)
        }
      }
    }
    return any
  }
  const flushAll = () => {
    for (const st of state) {
      const {service, replica, stream} = st.source
      queue.pushAll(st.splitter.flush().map((line) => ({service, replica, line, stream})))
    }
  }
  const schedule = (ms: number) => {
    if (timer || queue.isEnded) return
    timer = setTimeout(tick, ms)
  }
  const tick = () => {
    timer = undefined
    if (queue.isEnded) return
    const anyAliveBefore = sources.some((s) => s.alive())
    readAvailable()
    if (paused) return
    if (!options.follow || (!anyAliveBefore && state.every((st) => st.offset >= fileSize(st.source.path)))) {
      // The snapshot may end mid-line when a writer was busy; a partial last line is still a line.
      flushAll()
      stop()
      queue.end()
      return
    }
    schedule(pollMs)
  }
  if (options.signal?.aborted) queue.end()
  else {
    options.signal?.addEventListener('abort', onAbort, {once: true})
    schedule(0)
  }
  return queue
}
