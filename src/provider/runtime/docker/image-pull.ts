import type Docker from 'dockerode'

import {ProviderError} from '../../../errors.js'
import type {ManifestCredentials} from '../manifest-types.js'
import {LineSplitter} from '../stream/line-splitter.js'

export interface PullProgress {
  status: string
  current?: number
  total?: number
}

export interface EnsureImageOptions {
  credentials?: ManifestCredentials | null
  /** Whole pull, default 10 minutes. */
  timeoutMs?: number
  /** No progress message for this long fails the pull, default 2 minutes. */
  idleTimeoutMs?: number
  /** At most one progress callback per this many ms (layer completions always pass). */
  progressIntervalMs?: number
  signal?: AbortSignal
  onPullStarted?: () => void
  onProgress?: (progress: PullProgress) => void
}

export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect()
    return true
  } catch (error) {
    if (statusCode(error) === 404) return false
    throw error
  }
}

/**
 * Makes `image` available locally: nothing to do when present, else a pull bounded by a total
 * and an idle timeout. A failed pull rejects with a ProviderError that says why.
 */
export async function ensureImage(docker: Docker, image: string, options: EnsureImageOptions = {}): Promise<'present' | 'pulled'> {
  if (await imagePresent(docker, image)) return 'present'
  options.onPullStarted?.()
  try {
    await pull(docker, image, options)
  } catch (error) {
    throw pullError(image, error)
  }
  if (!(await imagePresent(docker, image))) {
    throw pullError(image, new Error('the engine finished the pull but the image is not there'))
  }
  return 'pulled'
}

async function pull(docker: Docker, image: string, options: EnsureImageOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 600_000
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000
  const interval = options.progressIntervalMs ?? 500
  const credentials = options.credentials
  // Credentials go only in the X-Registry-Auth header: dockerode would put an `authconfig`
  // option into the query string too.
  const auth = credentials?.username
    ? {
        username: credentials.username,
        password: credentials.password,
        serveraddress: credentials.host,
        ...(credentials.email ? {email: credentials.email} : {}),
      }
    : undefined
  const controller = new AbortController()
  const abortFromCaller = () => controller.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', abortFromCaller, {once: true})
  let stream: NodeJS.ReadableStream | undefined
  let overall: NodeJS.Timeout | undefined
  let idle: NodeJS.Timeout | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false
      const finish = (error?: Error) => {
        if (settled) return
        settled = true
        if (error) reject(error)
        else resolve()
      }
      const armIdle = () => {
        if (idle) clearTimeout(idle)
        idle = setTimeout(() => finish(new Error(`no progress for ${Math.round(idleTimeoutMs / 1000)} s`)), idleTimeoutMs)
      }
      overall = setTimeout(() => finish(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
      controller.signal.addEventListener('abort', () => finish(new Error('cancelled')), {once: true})
      armIdle()
      const modem = docker.modem as unknown as {
        dial: (options: Record<string, unknown>, callback: (error: Error | null, stream: NodeJS.ReadableStream) => void) => void
      }
      new Promise<NodeJS.ReadableStream>((res, rej) =>
        modem.dial(
          {
            path: '/images/create?',
            method: 'POST',
            options: {...splitReference(image), abortSignal: controller.signal},
            authconfig: auth,
            abortSignal: controller.signal,
            isStream: true,
            statusCodes: {200: true, 404: 'no such image', 500: 'server error'},
          },
          (error, s) => (error ? rej(error) : res(s)),
        ),
      )
        .then((s: NodeJS.ReadableStream) => {
          stream = s
          if (settled) return
          const lines = new LineSplitter()
          let lastProgress = 0
          /** Handles one progress line; false once the engine reported an error. */
          const onLine = (raw: string): boolean => {
            const line = raw.trim()
            if (!line) return true
            let message: {status?: string; error?: string; errorDetail?: {message?: string}; progressDetail?: {current?: number; total?: number}}
            try {
              message = JSON.parse(line)
            } catch {
              return true
            }
            const error = message.errorDetail?.message ?? message.error
            if (error) {
              finish(new Error(error))
              return false
            }
            const now = Date.now()
            const status = message.status ?? ''
            const milestone = /complete|downloaded|digest|status:/i.test(status)
            if (options.onProgress && (milestone || now - lastProgress >= interval)) {
              lastProgress = now
              options.onProgress({
                status,
                ...(message.progressDetail?.current !== undefined ? {current: message.progressDetail.current} : {}),
                ...(message.progressDetail?.total !== undefined ? {total: message.progressDetail.total} : {}),
              })
            }
            return true
          }
          s.on('data', (chunk: Buffer | string) => {
            armIdle()
            lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk).every(onLine)
          })
          s.on('error', (e: Error) => finish(e))
          // An error the engine ends the stream with, without a newline, is still its answer.
          s.on('end', () => {
            if (lines.flush().every(onLine)) finish()
          })
          s.on('close', () => finish())
        })
        .catch((e: Error) => finish(e))
    })
  } finally {
    if (overall) clearTimeout(overall)
    if (idle) clearTimeout(idle)
    options.signal?.removeEventListener('abort', abortFromCaller)
    const s = stream as (NodeJS.ReadableStream & {destroy?: () => void}) | undefined
    s?.destroy?.()
  }
}

/** `POST /images/create` takes the repository and the tag (or digest) apart. */
export function splitReference(image: string): {fromImage: string; tag?: string} {
  if (image.includes('@')) return {fromImage: image}
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  if (colon > slash) return {fromImage: image.slice(0, colon), tag: image.slice(colon + 1)}
  return {fromImage: image, tag: 'latest'}
}

function pullError(image: string, error: unknown): ProviderError {
  const reason = errorMessage(error)
  return new ProviderError(`Image ${image} could not be pulled: ${reason}`, {
    code: 'image_pull_failed',
    hint:
      'Check the image name and tag and that this machine can reach its registry. On a machine without a registry, ' +
      'load the image locally under that exact name (podman load / podman import) so no pull is needed.',
    details: {image, reason},
    cause: error,
  })
}

export function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? Number((error as {statusCode: unknown}).statusCode)
    : undefined
}

export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const json = (error as {json?: {message?: string; cause?: string}}).json
    if (json?.message) return json.message
    if (error instanceof Error) return error.message.replace(/^\(HTTP code \d+\) [^-]+- /, '')
  }
  return String(error)
}
