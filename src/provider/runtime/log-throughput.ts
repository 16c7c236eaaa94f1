import type {ManifestService} from './manifest-types.js'
import type {LogLine} from './types.js'

/**
 * What `bench/provide` needs to measure log throughput from one container: a service that
 * prints `lines` numbered lines (after a pause, so a follower is attached first) and then idles,
 * and a counter over any log stream.
 */
export function logFloodService(options: {lines: number; name?: string; image?: string; delaySeconds?: number}): ManifestService {
  return {
    name: options.name ?? 'flood',
    image: options.image ?? 'busybox:1.36',
    command: ['sh', '-c', `sleep ${options.delaySeconds ?? 2}; seq 1 ${Math.floor(options.lines)}; exec sleep 2147483647`],
    args: null,
    env: null,
    count: 1,
    resources: {cpu: {units: {val: '1000'}}, memory: {size: {val: String(256 * 1024 * 1024)}}, storage: [{name: 'default', size: {val: String(1024 ** 3)}}]},
    expose: null,
  }
}

export interface LogThroughput {
  lines: number
  /** From the first line received to the last one counted. */
  ms: number
  linesPerSecond: number
}

/**
 * Consumes `stream` until `expectLines` lines arrived (or the stream ends), calling `onLine`
 * for each (the consumer's own work: framing, writing to a socket), and times it.
 */
export async function measureLogThroughput(
  stream: AsyncIterable<LogLine>,
  options: {expectLines: number; onLine?: (line: LogLine) => void; now?: () => number},
): Promise<LogThroughput> {
  const now = options.now ?? (() => performance.now())
  let lines = 0
  let first = 0
  let last = 0
  for await (const line of stream) {
    if (lines === 0) first = now()
    options.onLine?.(line)
    lines += 1
    if (lines >= options.expectLines) {
      last = now()
      break
    }
  }
  if (last === 0) last = now()
  const ms = Math.max(last - first, 1e-3)
  return {lines, ms, linesPerSecond: Math.round((lines / ms) * 1000)}
}
