import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {edgeStatusJson, leaseStatusJson} from '../../../../src/provider/leases/lease-status.js'
import {absoluteHostPaths} from '../../../../src/provider/runtime/host-paths.js'
import {RESTART_POLICY, assessReplica, failureErrorLine, failureMessage, lastLines, nextCrashCount, restartDelayMs} from '../../../../src/provider/runtime/supervision.js'
import type {LeaseRuntimeStatus} from '../../../../src/provider/runtime/types.js'

const at = (ms: number) => new Date(ms).toISOString()

describe('restart policy (one for both runtimes)', () => {
  it('backs off from 1 s, doubling, up to 5 min, as Kubernetes does', () => {
    expect([0, 1, 2, 3, 4].map((n) => restartDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000])
    expect(restartDelayMs(8)).toBe(256_000)
    expect(restartDelayMs(9)).toBe(300_000)
    expect(restartDelayMs(1000)).toBe(300_000)
  })

  it('starts the back-off over after a replica ran for 10 min', () => {
    expect(nextCrashCount(0, 50)).toBe(1)
    expect(nextCrashCount(5, 50)).toBe(6)
    expect(nextCrashCount(5, RESTART_POLICY.resetAfterMs)).toBe(1)
  })
})

describe('readiness', () => {
  const now = 100_000
  it('counts a replica as available only after it stayed up through the grace period', () => {
    expect(assessReplica({state: 'running', startedAt: at(now - 500), restarts: 0}, now, 2000)).toEqual({available: false, failing: false})
    expect(assessReplica({state: 'running', startedAt: at(now - 2500), restarts: 0}, now, 2000)).toEqual({available: true, failing: false})
  })

  it('calls a replica that exited, or restarted and is not yet through the grace period, a failure', () => {
    expect(assessReplica({state: 'exited', startedAt: at(now - 10), restarts: 0}, now)).toEqual({available: false, failing: true})
    expect(assessReplica({state: 'running', startedAt: at(now - 10), restarts: 3}, now)).toEqual({available: false, failing: true})
    expect(assessReplica({state: 'running', startedAt: at(now - 60_000), restarts: 3}, now)).toEqual({available: true, failing: false})
    expect(assessReplica({state: 'restarting', restarts: 1}, now)).toEqual({available: false, failing: true})
    expect(assessReplica({state: 'created'}, now)).toEqual({available: false, failing: false})
  })

  it('says what failed, with the exit code, restarts, next restart and last lines', () => {
    const message = failureMessage({service: 'web', replica: 0, reason: 'exited', exitCode: 3, restarts: 2, lastLines: []}, 1000, 4200)
    expect(message).toBe('web replica 0 exited with code 3 (restarted 2 times; next restart in 4 s)')
    expect(failureErrorLine({service: 'web', replica: 0, reason: 'exited', message, exitCode: 3, restarts: 2, lastLines: ['a', 'boom']})).toBe(`${message}; last log lines: a | boom`)
    expect(failureMessage({service: 'w', replica: 1, reason: 'start_failed', exitCode: 127, restarts: 0, lastLines: []})).toBe('w replica 1 could not start its command with code 127')
    expect(lastLines(['', 'x\r', ...Array.from({length: 12}, (_, i) => `l${i}`), '  '])).toEqual(['l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9', 'l10', 'l11'])
    expect(lastLines(['y'.repeat(400)])[0]).toHaveLength(301)
  })
})

describe('host paths (process runtime)', () => {
  it('finds absolute paths a host process would write outside its working directory', () => {
    const batch = {command: ['sh', '-c'], args: ['mkdir -p /results\ncd /results && python3 /app/job.py > out.txt; cat /etc/hosts; curl http://example.com/x/y; ls ./rel/a /tmp/x'], env: ['DATA=/data/set', 'PATH=/usr/bin:/bin'], params: {storage: [{name: 'data', mount: '/mnt/vol/', readOnly: false}]}}
    expect(absoluteHostPaths(batch)).toEqual(['/app/job.py', '/data/set', '/mnt/vol', '/results'])
    expect(absoluteHostPaths({command: ['sh', '-c'], args: ['mkdir -p www && exec busybox httpd -f -p ${PORT:-8080} -h www'], env: null})).toEqual([])
    expect(absoluteHostPaths({command: ['sh', '-c'], args: ['echo "<h1>x</h1><p>y</p>" > www/index.html; echo done >/results/out'], env: null})).toEqual(['/results/out'])
  })

  it('finds none in the hello template, which runs as a host process on edge dev', () => {
    const sdl = parse(readFileSync(new URL('../../../../templates/hello/deploy.yaml', import.meta.url), 'utf8')) as {services: {web: {command: string[]; args: string[]}}}
    expect(absoluteHostPaths({command: sdl.services.web.command, args: sdl.services.web.args, env: null})).toEqual([])
  })
})

describe('lease status extension', () => {
  const status: LeaseRuntimeStatus = {
    lease: {owner: 'o', dseq: '1', gseq: 1, oseq: 1, provider: 'p'},
    group: 'g',
    services: {},
    errors: ['web replica 0 exited with code 3; last log lines: boom'],
    failures: [{service: 'web', replica: 0, reason: 'exited', message: 'web replica 0 exited with code 3', exitCode: 3, restarts: 1, lastLines: ['boom']}],
    warnings: ['absolute paths'],
  }
  it('adds edge\'s member with the runtime, the manifest version and structured failures, beside Akash\'s errors', () => {
    const json = leaseStatusJson(status, {uris: {}, forwardedPorts: {}}, {runtime: {kind: 'process', engine: 'host processes', version: 'v20', isolated: false, usesImages: false, terminal: false}, manifestVersion: 'abc', deploying: false})
    expect(json.errors).toEqual(status.errors)
    expect(json.edge).toEqual({
      runtime: {kind: 'process', engine: 'host processes', isolated: false, uses_images: false, terminal: false},
      manifest_version: 'abc',
      deploying: false,
      failures: [{service: 'web', replica: 0, reason: 'exited', message: 'web replica 0 exited with code 3', exit_code: 3, restarts: 1, last_lines: ['boom']}],
      warnings: ['absolute paths'],
    })
    expect(leaseStatusJson(status, {uris: {}, forwardedPorts: {}}).edge).toBeUndefined()
  })

  it('turns a failed deploy the runtime says nothing more about into a failure', () => {
    expect(edgeStatusJson({...status, failures: []}, {deploying: false, deployError: 'Image x could not be pulled'}).failures).toEqual([
      {service: '', reason: 'deploy_failed', message: 'Image x could not be pulled', restarts: 0, last_lines: []},
    ])
  })
})
