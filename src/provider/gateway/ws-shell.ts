import type {WebSocket} from 'ws'

import type {ExecOptions, ExecSession} from '../runtime/types.js'
import {keepAlive} from './ws-util.js'

/** Lease-shell frame codes (gateway/rest/constants.go). */
export const SHELL = {stdout: 100, stderr: 101, result: 102, failure: 103, stdin: 104, resize: 105} as const

export interface ShellParams {
  cmd: string[]
  tty: boolean
  stdin: boolean
  podIndex: number
  service: string
}

/** All of cmd0…, tty, stdin, podIndex and service are required; a string is the reason for a 400. */
export function parseShellParams(query: URLSearchParams): ShellParams | string {
  const cmd: string[] = []
  for (let i = 0; ; i++) {
    const v = query.get(`cmd${i}`)
    if (v === null || v === '') break
    cmd.push(v)
  }
  if (cmd.length === 0) return 'missing cmd parameter'
  const tty = query.get('tty')
  if (!tty) return 'missing parameter tty'
  const service = query.get('service')
  if (!service) return 'missing parameter service'
  const stdin = query.get('stdin')
  if (!stdin) return 'missing parameter stdin'
  const pod = query.get('podIndex')
  if (!pod) return 'missing parameter podIndex'
  if (!/^(0x[0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(pod) || Number(pod) >= 2 ** 31) return 'parameter podIndex invalid'
  return {cmd, tty: tty === '1', stdin: stdin === '1', podIndex: Number(pod), service}
}

export type ShellPrecheck = {ok: true} | {ok: false; message: string}

function frame(code: number, payload?: Uint8Array | string): Buffer {
  const body = payload === undefined ? Buffer.alloc(0) : typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload)
  return Buffer.concat([Buffer.from([code]), body])
}

/**
 * Runs one command in a replica and speaks Akash's lease-shell protocol: stdout (100) and stderr
 * (101) frames as output arrives, stdin (104) and terminal size (105) frames from the client, then
 * one result frame (102) `{"exit_code":N}` — with a `message` when the command could not run — and
 * the socket closes. A failure that must not leak details is an empty 103 frame.
 */
export async function runShell(
  ws: WebSocket,
  params: ShellParams,
  precheck: () => Promise<ShellPrecheck>,
  exec: (options: ExecOptions) => Promise<ExecSession>,
): Promise<void> {
  const abort = new AbortController()
  let session: ExecSession | undefined
  const stop = keepAlive(ws, () => {
    abort.abort()
    session?.close()
  })
  const pendingInput: Buffer[] = []
  let inputEnded = false
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return
    const code = data[0]
    const payload = data.subarray(1)
    if (code === SHELL.stdin) {
      if (!params.stdin) return
      // An empty stdin frame is edge's end-of-input (Akash has none; such a frame is a no-op there).
      if (payload.length === 0) {
        inputEnded = true
        session?.stdin?.end()
        return
      }
      if (session?.stdin) session.stdin.write(Buffer.from(payload))
      else pendingInput.push(Buffer.from(payload))
    } else if (code === SHELL.resize && payload.length >= 4) {
      void session?.resize(payload.readUInt16BE(0), payload.readUInt16BE(2)).catch(() => {})
    }
  })

  const send = (buf: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(buf)
  }
  const finish = (result: {exit_code: number; message?: string} | 'failure') => {
    if (result === 'failure') send(frame(SHELL.failure))
    else send(frame(SHELL.result, JSON.stringify(result) + '\n'))
    if (ws.readyState === ws.OPEN) ws.close(1000)
  }

  try {
    const check = await precheck()
    if (!check.ok) {
      finish({exit_code: 0, message: check.message})
      return
    }
    try {
      session = await exec({service: params.service, replica: params.podIndex, cmd: params.cmd, tty: params.tty, stdin: params.stdin, signal: abort.signal})
    } catch (error) {
      finish({exit_code: 0, message: (error as Error).message})
      return
    }
    for (const chunk of pendingInput.splice(0)) session.stdin?.write(chunk)
    if (inputEnded) session.stdin?.end()
    session.stdout.on('data', (chunk: Buffer) => send(frame(SHELL.stdout, chunk)))
    session.stderr.on('data', (chunk: Buffer) => send(frame(SHELL.stderr, chunk)))
    const {exitCode} = await session.exit
    finish({exit_code: exitCode})
  } catch {
    finish('failure')
  } finally {
    session?.close()
    stop()
  }
}
