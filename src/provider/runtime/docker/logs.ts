import type Docker from 'dockerode'
import type {Readable} from 'node:stream'

import {AsyncQueue} from '../../../lib/async-queue.js'
import {StreamDemuxer, type StreamKind} from '../stream/demux.js'
import {LineSplitter} from '../stream/line-splitter.js'
import type {LogLine} from '../types.js'

export interface LogSource {
  id: string
  service: string
  replica: number
  /** A TTY container's log is raw bytes, not multiplexed. */
  tty?: boolean
}

export interface ContainerLogOptions {
  tail?: number
  follow?: boolean
  signal?: AbortSignal
  /** Lines buffered for a slow consumer before the sockets are paused. */
  highWater?: number
}

type Dial = (options: Record<string, unknown>, callback: (error: Error | null, stream: Readable) => void) => void

/** Opens `GET /containers/{id}/logs` as a stream, whether or not it follows. */
export function openLogStream(docker: Docker, id: string, options: ContainerLogOptions): Promise<Readable> {
  const dial = (docker.modem as unknown as {dial: Dial}).dial.bind(docker.modem)
  const tail = options.tail !== undefined && options.tail >= 0 ? String(Math.floor(options.tail)) : 'all'
  return new Promise((resolve, reject) =>
    dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        statusCodes: {200: true, 404: 'no such container', 500: 'server error'},
        options: {stdout: true, stderr: true, follow: Boolean(options.follow), tail},
      },
      (error, stream) => (error ? reject(error) : resolve(stream)),
    ),
  )
}

/**
 * The logs of several containers as one stream of lines. Lines of one replica keep their order;
 * replicas interleave as their data arrives. A slow consumer pauses the sockets.
 */
export function containerLogLines(docker: Docker, sources: LogSource[], options: ContainerLogOptions = {}): AsyncIterable<LogLine> {
  const streams: Readable[] = []
  let closed = false
  const onAbort = () => {
    queue.end()
    destroyAll()
  }
  const destroyAll = () => {
    closed = true
    for (const s of streams) s.destroy()
    options.signal?.removeEventListener('abort', onAbort)
  }
  const queue = new AsyncQueue<LogLine>({
    highWater: options.highWater ?? 20_000,
    onPause: () => streams.forEach((s) => s.pause()),
    onResume: () => streams.forEach((s) => s.resume()),
    onClose: destroyAll,
  })
  if (options.signal?.aborted || sources.length === 0) {
    queue.end()
    return queue
  }
  options.signal?.addEventListener('abort', onAbort, {once: true})
  let open = sources.length
  const doneOne = () => {
    open -= 1
    if (open === 0) queue.end()
  }
  for (const source of sources) {
    openLogStream(docker, source.id, options).then(
      (stream) => {
        if (closed) {
          stream.destroy()
          return
        }
        streams.push(stream)
        if (queue.size >= (options.highWater ?? 20_000)) stream.pause()
        attach(stream, source, queue, doneOne)
      },
      // A container removed between listing and opening its log has nothing more to say.
      () => doneOne(),
    )
  }
  return queue
}

function attach(stream: Readable, source: LogSource, queue: AsyncQueue<LogLine>, done: () => void): void {
  const splitters: Record<StreamKind, LineSplitter> = {stdout: new LineSplitter(), stderr: new LineSplitter()}
  const batch: string[] = []
  const emitLines = (kind: StreamKind, lines: string[]) => {
    if (lines.length === 0) return
    const out: LogLine[] = new Array(lines.length)
    for (let i = 0; i < lines.length; i++) out[i] = {service: source.service, replica: source.replica, line: lines[i] as string, stream: kind}
    queue.pushAll(out)
  }
  const demux = new StreamDemuxer((kind, payload) => {
    batch.length = 0
    emitLines(kind, splitters[kind].push(payload, batch))
  })
  let finished = false
  const finish = () => {
    if (finished) return
    finished = true
    for (const kind of ['stdout', 'stderr'] as const) emitLines(kind, splitters[kind].flush([]))
    done()
  }
  stream.on('data', (chunk: Buffer) => {
    if (source.tty) {
      batch.length = 0
      emitLines('stdout', splitters.stdout.push(chunk, batch))
    } else {
      demux.push(chunk)
    }
  })
  stream.on('end', finish)
  stream.on('close', finish)
  stream.on('error', finish)
}
