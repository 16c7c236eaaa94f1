import type Docker from 'dockerode'
import type {Duplex} from 'node:stream'
import {PassThrough, Writable} from 'node:stream'

import {StreamDemuxer} from '../stream/demux.js'
import type {ExecSession} from '../types.js'

export interface DockerExecOptions {
  cmd: string[]
  tty: boolean
  stdin: boolean
  columns?: number
  rows?: number
  env?: string[]
  signal?: AbortSignal
  sleep?: (ms: number) => Promise<void>
}

/** Runs a command in a running container, attached, as the shell websocket needs it. */
export async function dockerExec(container: Docker.Container, options: DockerExecOptions): Promise<ExecSession> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const exec = await container.exec({
    Cmd: options.cmd,
    AttachStdin: options.stdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: options.tty,
    ...(options.env ? {Env: options.env} : {}),
  })
  const socket = (await exec.start({hijack: true, stdin: options.stdin, Tty: options.tty})) as Duplex
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  if (options.tty) {
    socket.on('data', (chunk: Buffer) => stdout.write(chunk))
  } else {
    const demux = new StreamDemuxer((kind, payload) => (kind === 'stderr' ? stderr : stdout).write(payload))
    socket.on('data', (chunk: Buffer) => demux.push(chunk))
  }
  const resize = async (columns: number, rows: number) => {
    if (!options.tty) return
    await exec.resize({w: Math.max(1, Math.floor(columns)), h: Math.max(1, Math.floor(rows))})
  }
  if (options.tty && options.columns && options.rows) await resize(options.columns, options.rows).catch(() => undefined)

  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve)
    socket.once('close', resolve)
    socket.once('error', resolve)
  })
  const onAbort = () => socket.destroy()
  options.signal?.addEventListener('abort', onAbort, {once: true})
  const exit = ended.then(async () => {
    options.signal?.removeEventListener('abort', onAbort)
    stdout.end()
    stderr.end()
    // The engine records the exit code a moment after the attach stream closes.
    for (let i = 0; i < 50; i++) {
      try {
        const state = await exec.inspect()
        if (!state.Running && state.ExitCode !== null && state.ExitCode !== undefined) return {exitCode: state.ExitCode}
      } catch {
        break
      }
      await sleep(i < 10 ? 20 : 100)
    }
    return {exitCode: -1}
  })
  const stdin = options.stdin
    ? new Writable({
        write(chunk: Buffer, _encoding, callback) {
          if (socket.destroyed) callback()
          else socket.write(chunk, callback)
        },
        final(callback) {
          // Half-close: the command sees EOF on stdin, its output keeps coming.
          if (!socket.destroyed) socket.end()
          callback()
        },
      })
    : undefined
  return {
    stdout,
    stderr,
    ...(stdin ? {stdin} : {}),
    resize,
    exit,
    close: () => socket.destroy(),
  }
}
