/** `edge logs`, `edge events` and `edge shell` over the provider websockets. */
import {UsageError} from '../../errors.js'
import type {LogStreamEvent} from '../../provider-client/client.js'
import type {ShellSession} from '../../provider-client/shell-session.js'
import type {KubeEvent} from '../../provider-client/types.js'
import type {TenantContext} from './context.js'
import {type LeaseHandle, activeLeases, merge} from './lease.js'

export type LogEvent = LogStreamEvent & {provider: string}

export interface LogRequest {
  services?: string[]
  follow?: boolean
  tail?: number
  signal?: AbortSignal
}

export async function* leaseLogs(ctx: TenantContext, dseq: bigint, request: LogRequest): AsyncGenerator<LogEvent> {
  const handles = await activeLeases(ctx, dseq)
  const streams = handles.map((h) => tag(h.client.logs(h.ref, {...request}), h.provider.owner))
  yield* merge(streams)
}

async function* tag(source: AsyncIterable<LogStreamEvent>, provider: string): AsyncGenerator<LogEvent> {
  for await (const e of source) yield {...e, provider}
}

/** A provider-side event; `time` is when it happened (RFC 3339), null from a provider that does not say (Akash's). */
export type LeaseEvent = Omit<KubeEvent, 'eventTime'> & {provider: string; time: string | null}

export async function* leaseEvents(ctx: TenantContext, dseq: bigint, request: {follow?: boolean; services?: string[]; signal?: AbortSignal}): AsyncGenerator<LeaseEvent> {
  const handles = await activeLeases(ctx, dseq)
  const streams = handles.map((h) =>
    (async function* () {
      for await (const {eventTime, ...e} of h.client.events(h.ref, request)) yield {...e, provider: h.provider.owner, time: validTime(eventTime)}
    })(),
  )
  yield* merge(streams)
}

function validTime(value: string | undefined): string | null {
  return value !== undefined && !Number.isNaN(Date.parse(value)) ? value : null
}

/** The lease that runs `service` (asking the providers when the ledger does not know). */
export async function leaseForService(ctx: TenantContext, dseq: bigint, service?: string): Promise<{handle: LeaseHandle; service: string}> {
  const handles = await activeLeases(ctx, dseq)
  const known: Array<{handle: LeaseHandle; services: string[]}> = []
  for (const handle of handles) {
    let services = handle.services
    if (services.length === 0 || handles.length > 1) {
      const status = await handle.client.leaseStatus(handle.ref).catch(() => undefined)
      if (status) services = Object.keys(status.services ?? {})
    }
    known.push({handle, services})
  }
  const all = [...new Set(known.flatMap((k) => k.services))].sort()
  if (!service) {
    if (all.length === 1) return {handle: known.find((k) => k.services.includes(all[0]))!.handle, service: all[0]}
    throw new UsageError(`Deployment ${dseq} runs ${all.length ? `several services (${all.join(', ')})` : 'services edge cannot list'}; say which one.`, {
      code: 'service_required',
      hint: `Pass --service ${all[0] ?? 'NAME'}.`,
    })
  }
  const found = known.find((k) => k.services.includes(service))
  if (!found) {
    if (all.length === 0 && known.length === 1) return {handle: known[0].handle, service}
    throw new UsageError(`Deployment ${dseq} has no service "${service}".`, {code: 'service_not_found', hint: `Its services: ${all.join(', ')}.`})
  }
  return {handle: found.handle, service}
}

export interface ShellRequest {
  service?: string
  cmd: string[]
  tty: boolean
  stdin: boolean
  /**
   * An interactive shell: on a provider that says it has no terminal (host processes), it runs
   * LINE_MODE_SHELL without one instead, for the caller to drive line by line (`lineMode` in the answer).
   */
  interactive?: boolean
  onStdout(data: Uint8Array): void
  onStderr(data: Uint8Array): void
  signal?: AbortSignal
}

/**
 * A shell for a provider without terminals: a prompt on stderr, one line read and run at a time in
 * the same shell (so `cd` and variables last), until end of input. (`sh -i` without a terminal
 * complains that it has no job control.)
 */
export const LINE_MODE_SHELL = ['sh', '-c', 'while printf "%s" "${PS1:-$ }" >&2 && IFS= read -r line; do eval "$line"; done; echo >&2']

export async function openShell(ctx: TenantContext, dseq: bigint, request: ShellRequest): Promise<{session: ShellSession; service: string; provider: string; lineMode: boolean}> {
  const {handle, service} = await leaseForService(ctx, dseq, request.service)
  // edge's providers say whether exec has a terminal; Akash's (Kubernetes) always do.
  const terminal = request.interactive ? (await handle.client.leaseStatus(handle.ref).catch(() => undefined))?.edge?.runtime?.terminal !== false : true
  const lineMode = Boolean(request.interactive) && !terminal
  const session = await handle.client.shell(handle.ref, {
    service,
    cmd: lineMode ? LINE_MODE_SHELL : request.cmd,
    tty: lineMode ? false : request.tty,
    stdin: lineMode ? true : request.stdin,
    onStdout: request.onStdout,
    onStderr: request.onStderr,
    ...(request.signal ? {signal: request.signal} : {}),
  })
  return {session, service, provider: handle.provider.owner, lineMode}
}
