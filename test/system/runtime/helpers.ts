/** What both runtime system tests need: plain HTTP GETs with retries, exec output, manifest bits. */
import http from 'node:http'

import type {ExecSession, LeaseId, LeaseRuntimeStatus, Runtime} from '../../../src/provider/runtime/types.js'

export const httpOptions = {maxBodySize: 1048576, readTimeout: 60000, sendTimeout: 60000, nextTries: 3, nextTimeout: 0, nextCases: ['error', 'timeout']}

export function get(port: number, host?: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = http.get({host: '127.0.0.1', port, path: '/', headers: host ? {host} : {}, agent: false}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
    })
    req.on('error', reject)
  })
}

/** A server needs a moment after its process or container starts: retry for up to 5 s. */
export async function getEventually(port: number, host?: string): Promise<{status: number; body: string}> {
  let last: unknown
  for (let i = 0; i < 100; i++) {
    try {
      const res = await get(port, host)
      if (res.status === 200) return res
      last = new Error(`status ${res.status}: ${res.body}`)
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw last
}

/** Everything an exec session prints, and its exit code; `stdin` is written and closed first. */
export async function collect(session: ExecSession, stdin?: string): Promise<{stdout: string; stderr: string; exitCode: number}> {
  let stdout = ''
  let stderr = ''
  session.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  session.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  if (stdin !== undefined) session.stdin?.end(stdin)
  const {exitCode} = await session.exit
  return {stdout, stderr, exitCode}
}

/** Polls the lease status until every service is ready (replicas count once up for the grace period). */
export async function readyEventually(runtime: Runtime, lease: LeaseId, attempts = 100): Promise<LeaseRuntimeStatus> {
  let status = await runtime.status(lease)
  for (let i = 0; i < attempts && !Object.values(status.services).every((s) => s.ready); i++) {
    await new Promise((r) => setTimeout(r, 100))
    status = await runtime.status(lease)
  }
  return status
}

/** Polls the lease status until `check` accepts it. */
export async function statusEventually(runtime: Runtime, lease: LeaseId, check: (s: LeaseRuntimeStatus) => boolean, attempts = 150): Promise<LeaseRuntimeStatus> {
  let status = await runtime.status(lease)
  for (let i = 0; i < attempts && !check(status); i++) {
    await new Promise((r) => setTimeout(r, 100))
    status = await runtime.status(lease)
  }
  return status
}
