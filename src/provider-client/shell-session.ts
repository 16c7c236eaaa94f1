/**
 * A shell in a lease's container over the provider's websocket (Akash's shell frames,
 * shell-codec.ts): the query that asks for it, and the session over the open socket.
 */
import {ProviderError} from '../errors.js'
import {ShellProtocolError, decodeFrame, encodeResize, encodeStdin} from './shell-codec.js'
import {type WebSocketLike, toBuffer} from './transport.js'
import type {LeaseRef} from './types.js'

export interface ShellOptions {
  service: string
  cmd: string[]
  tty: boolean
  stdin: boolean
  podIndex?: number
  onStdout(data: Uint8Array): void
  onStderr(data: Uint8Array): void
  signal?: AbortSignal
}

export interface ShellResult {
  exitCode: number
  message?: string
}

export interface ShellSession {
  write(data: Uint8Array | string): void
  resize(width: number, height: number): void
  close(): void
  done: Promise<ShellResult>
}

/** Close codes the gateway uses (provider gateway/rest). */
export const WS_LEASE_NOT_FOUND = 4001

/** The shell endpoint's query: the command as cmd0..cmdN, the terminal, the service and replica. */
export function shellQuery(options: ShellOptions): URLSearchParams {
  const query = new URLSearchParams()
  options.cmd.forEach((arg, i) => query.set(`cmd${i}`, arg))
  query.set('tty', options.tty ? '1' : '0')
  query.set('stdin', options.stdin ? '1' : '0')
  query.set('podIndex', String(options.podIndex ?? 0))
  query.set('service', options.service)
  return query
}

/** The session over an open shell socket; `done` resolves with the remote exit code. */
export function shellSession(socket: WebSocketLike, {provider, lease, options}: {provider: string; lease: LeaseRef; options: ShellOptions}): ShellSession {
  let finished = false
  const done = new Promise<ShellResult>((resolve, reject) => {
    const fail = (error: Error) => {
      if (finished) return
      finished = true
      reject(error)
    }
    socket.on('message', (data, isBinary) => {
      if (finished || isBinary === false) return
      let frame
      try {
        frame = decodeFrame(toBuffer(data))
      } catch (error) {
        fail(new ProviderError((error as ShellProtocolError).message, {code: 'provider_protocol'}))
        socket.terminate()
        return
      }
      if (frame.kind === 'stdout') options.onStdout(frame.data)
      else if (frame.kind === 'stderr') options.onStderr(frame.data)
      else if (frame.kind === 'result') {
        finished = true
        resolve({exitCode: frame.exitCode, ...(frame.message ? {message: frame.message} : {})})
        socket.close(1000)
      } else if (frame.kind === 'failure') {
        fail(new ProviderError(`The provider ${provider} could not run the command in service "${options.service}".`, {
          code: 'provider_shell_failed',
          hint: 'Check that the service is running (`edge status DSEQ`) and that the command exists in its image.',
        }))
        socket.close(1000)
      }
    })
    socket.on('close', (code, reason) => {
      if (code === WS_LEASE_NOT_FOUND) {
        fail(new ProviderError(`The provider ${provider} has no running lease ${lease.dseq}/${lease.gseq}/${lease.oseq}.`, {code: 'provider_lease_not_found'}))
      }
      fail(
        new ProviderError(`The shell connection to ${provider} closed before the command finished (code ${code}${reason?.length ? `: ${reason}` : ''}).`, {
          code: 'provider_shell_closed',
        }),
      )
    })
    socket.on('error', (error) => fail(new ProviderError(`The shell connection failed: ${error.message}`, {code: 'provider_unreachable'})))
    if (options.signal?.aborted) socket.close(1000, 'cancelled')
    else options.signal?.addEventListener('abort', () => socket.close(1000, 'cancelled'), {once: true})
  })
  return {
    write: (data) => {
      if (!finished) socket.send(encodeStdin(data))
    },
    resize: (width, height) => {
      if (!finished) socket.send(encodeResize(width, height))
    },
    close: () => socket.close(1000),
    done,
  }
}
