import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {type AddressInfo, createServer} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/errors.js'
import {networkProfile} from '../../../src/config/networks.js'
import {planLeaseIngress} from '../../../src/provider/ingress/hostnames.js'
import {IngressProxy} from '../../../src/provider/ingress/proxy.js'
import {leaseKey} from '../../../src/provider/runtime/labels.js'
import type {ManifestGroup} from '../../../src/provider/runtime/manifest-types.js'
import {processAlive} from '../../../src/provider/runtime/process/proc.js'
import {ProcessRuntime} from '../../../src/provider/runtime/process/process-runtime.js'
import {createRuntime} from '../../../src/provider/runtime/factory.js'
import type {LeaseId, LogLine, RuntimeEvent} from '../../../src/provider/runtime/types.js'
import {freePort} from '../../helpers/ports.js'
import {collect, get, getEventually, httpOptions, readyEventually, statusEventually} from './helpers.js'

const resources = {cpu: {units: {val: '100'}}, memory: {size: {val: '33554432'}}}
const LOCAL = {name: 'local', profile: networkProfile('dev')}

describe('process runtime', () => {
  let dataDir: string
  let runtime: ProcessRuntime
  let proxy: IngressProxy
  let port: number
  let group: ManifestGroup
  const lease: LeaseId = {owner: 'akash1tenant', dseq: '42', gseq: 1, oseq: 1, provider: 'akash1local'}

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'edge-process-runtime-'))
    runtime = new ProcessRuntime({network: LOCAL, dataDir, provider: 'akash1local', stopGraceMs: 2000})
    proxy = new IngressProxy({host: '127.0.0.1', port: 0})
    await proxy.listen()
    // The SDL's port; each replica gets its own host port in $PORT, which the server listens on.
    const sdlPort = await freePort()
    const server = `require('http').createServer((q, s) => s.end('hello from ' + process.env.GREETING + '\\n')).listen(process.env.PORT, '127.0.0.1', () => console.log('listening'))`
    const ticker = `let i = 0; setInterval(() => { i++; console.log('tick ' + i); console.error('warn ' + i) }, 50)`
    group = {
      name: 'dev',
      services: [
        {
          name: 'web',
          image: 'node:20',
          command: [process.execPath, '-e', server],
          args: null,
          env: ['GREETING=a process'],
          count: 1,
          resources,
          expose: [{port: sdlPort, externalPort: 80, proto: 'TCP', service: '', global: true, hosts: null, httpOptions, ip: '', endpointSequenceNumber: 0}],
        },
        {name: 'logger', image: 'node:20', command: [process.execPath, '-e', ticker], args: null, env: null, count: 1, resources, expose: null},
        // A child of the service's process, to check that teardown kills the whole group.
        {name: 'parent', image: 'busybox', command: ['/bin/sh', '-c', 'sleep 300 & echo $! > child.pid; wait'], args: null, env: null, count: 1, resources, expose: null},
      ],
    }
  })

  afterAll(async () => {
    await runtime?.teardown(lease).catch(() => undefined)
    await proxy?.close()
    rmSync(dataDir, {recursive: true, force: true})
  })

  it('refuses any network but local', async () => {
    expect(() => new ProcessRuntime({network: {name: 'mainnet', profile: networkProfile('mainnet')}, dataDir})).toThrow(UsageError)
    await expect(createRuntime({kind: 'process', network: {name: 'sandbox', profile: networkProfile('testnet')}, dataDir})).rejects.toThrow(/cannot serve the sandbox network/)
  })

  it('runs each service as a host process, reachable on its own port and through the ingress', async () => {
    await runtime.deploy(lease, group, {manifestVersion: 'v1'})
    const status = await readyEventually(runtime, lease)
    expect(status.services.web).toMatchObject({total: 1, available: 1, ready: true})
    expect(status.services.logger?.ready).toBe(true)
    expect(status.failures).toEqual([])
    port = status.services.web!.ports[0]!.hostPort
    expect(port).not.toBe(group.services[0]!.expose![0]!.port)
    expect((await getEventually(port)).body).toBe('hello from a process\n')
    const plan = planLeaseIngress(status, {domain: 'localhost', publicHost: '127.0.0.1', ingressPort: proxy.port})
    proxy.setLeaseRoutes(leaseKey(lease), plan.routes)
    const host = plan.routes[0]?.hostnames[0] as string
    expect((await getEventually(proxy.port, host)).body).toBe('hello from a process\n')
  })

  it('keeps logs in files: tail and follow', async () => {
    await new Promise((r) => setTimeout(r, 400))
    const tail: LogLine[] = []
    for await (const l of runtime.logs(lease, {services: ['logger'], tail: 2})) tail.push(l)
    // Two per stream: stdout and stderr are separate files.
    expect(tail.filter((l) => l.stream === 'stdout')).toHaveLength(2)
    expect(tail.filter((l) => l.stream === 'stderr').every((l) => /^warn \d+$/.test(l.line))).toBe(true)
    const last = Number(tail.filter((l) => l.stream === 'stdout').at(-1)?.line.split(' ')[1])
    const fresh: number[] = []
    for await (const l of runtime.logs(lease, {services: ['logger'], tail: 0, follow: true})) {
      if (l.stream === 'stdout') fresh.push(Number(l.line.split(' ')[1]))
      if (fresh.length === 3) break
    }
    expect(fresh[0]).toBeGreaterThan(last)
    const web: string[] = []
    for await (const l of runtime.logs(lease, {services: ['web']})) web.push(l.line)
    expect(web).toEqual(['listening'])
  })

  it('runs exec through sh -c with the service env and returns the exit code', async () => {
    expect(await collect(await runtime.exec(lease, {service: 'web', cmd: ['echo', 'hi']}))).toEqual({stdout: 'hi\n', stderr: '', exitCode: 0})
    expect(await collect(await runtime.exec(lease, {service: 'web', cmd: ['echo "$GREETING"; echo bad >&2; exit 4']}))).toEqual({
      stdout: 'a process\n',
      stderr: 'bad\n',
      exitCode: 4,
    })
  })

  it('re-attaches from its state files in a new instance, keeping the processes', async () => {
    const before = await runtime.status(lease)
    const fresh = new ProcessRuntime({network: LOCAL, dataDir, provider: 'akash1local'})
    expect(await fresh.list()).toEqual([{lease, group: 'dev', manifestVersion: 'v1', services: ['logger', 'parent', 'web']}])
    const again = await fresh.deploy(lease, group, {manifestVersion: 'v1'})
    expect(again.services.web?.replicas[0]?.id).toBe(before.services.web?.replicas[0]?.id)
    expect((await get(port)).body).toBe('hello from a process\n')
  })

  it('gives each replica its own port and working directory, so one SDL runs several times at once', async () => {
    const other: LeaseId = {...lease, dseq: '43'}
    try {
      await runtime.deploy(other, group, {manifestVersion: 'v1'})
      const status = await readyEventually(runtime, other)
      const otherPort = status.services.web!.ports[0]!.hostPort
      expect(otherPort).not.toBe(port)
      expect((await getEventually(otherPort)).body).toBe('hello from a process\n')
      expect((await get(port)).body).toBe('hello from a process\n')
      const here = await collect(await runtime.exec(lease, {service: 'web', cmd: ['pwd; echo $PORT']}))
      const there = await collect(await runtime.exec(other, {service: 'web', cmd: ['pwd; echo $PORT']}))
      expect(here.stdout).not.toBe(there.stdout)
      expect(here.stdout.split('\n')[1]).toBe(String(port))
      expect(there.stdout.split('\n')[1]).toBe(String(otherPort))
    } finally {
      await runtime.teardown(other)
    }
  })

  it('counts spec revisions: a changed service is replaced at the next generation, the others keep theirs', async () => {
    const before = await runtime.status(lease)
    expect(before.services.logger).toMatchObject({generation: 1, updated: 1})
    const changed = {...group, services: group.services.map((s) => (s.name === 'logger' ? {...s, env: ['LEVEL=debug']} : s))}
    const told: RuntimeEvent[] = []
    await runtime.update(lease, changed, {manifestVersion: 'v2', onEvent: (e) => told.push(e)})
    const after = await readyEventually(runtime, lease)
    // A planned replacement is not told as a failure (ux-test D26): "Updated" first, then the old replica's stop.
    const logger = told.filter((e) => e.service === 'logger').map((e) => `${e.severity} ${e.reason}`)
    expect(logger.slice(0, 2)).toEqual(['normal Updated', 'normal Killing'])
    expect(told.filter((e) => e.severity === 'warning')).toEqual([])
    expect(after.services.logger).toMatchObject({generation: 2, updated: 1, ready: true})
    // The replaced replica was stopped on purpose: not a failure, not restarted.
    expect(after.failures).toEqual([])
    expect(after.services.logger?.replicas[0]?.id).not.toBe(before.services.logger?.replicas[0]?.id)
    expect(after.services.web).toMatchObject({generation: 1, updated: 1})
    expect(after.services.web?.replicas[0]?.id).toBe(before.services.web?.replicas[0]?.id)
    const fresh = new ProcessRuntime({network: LOCAL, dataDir, provider: 'akash1local'})
    expect((await fresh.status(lease)).services.logger).toMatchObject({generation: 2, updated: 1})
  })

  it('tears down: the process group is killed and its files are gone', async () => {
    const status = await runtime.status(lease)
    const pids = Object.values(status.services).flatMap((s) => s.replicas.map((r) => Number(r.id)))
    const child = await collect(await runtime.exec(lease, {service: 'parent', cmd: ['cat child.pid']}))
    pids.push(Number(child.stdout.trim()))
    expect(pids).toHaveLength(4)
    expect(pids.every((pid) => processAlive(pid))).toBe(true)
    await runtime.teardown(lease)
    expect(pids.some((pid) => processAlive(pid))).toBe(false)
    expect(await runtime.list()).toEqual([])
    expect(existsSync(path.join(dataDir, 'leases'))).toBe(true)
    await expect(get(port)).rejects.toThrow()
  })
})

describe('process runtime: a service that fails', () => {
  let dataDir: string
  let runtime: ProcessRuntime
  const lease: LeaseId = {owner: 'akash1tenant', dseq: '77', gseq: 1, oseq: 1, provider: 'akash1local'}
  const service = (name: string, command: string[]): ManifestGroup['services'][number] => ({name, image: 'busybox:1.36', command, args: null, env: null, count: 1, resources, expose: null})

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'edge-process-fail-'))
    runtime = new ProcessRuntime({network: LOCAL, dataDir, provider: 'akash1local', stopGraceMs: 1000})
  })

  afterAll(async () => {
    await runtime?.teardown(lease).catch(() => undefined)
    await runtime?.close()
    rmSync(dataDir, {recursive: true, force: true})
  })

  it('reports an exit at once with its code and last lines, never counts it available, and restarts it with a growing back-off', async () => {
    const events: string[] = []
    const seen = (async () => {
      for await (const e of runtime.events(lease, {follow: true, signal: AbortSignal.timeout(6000)})) if (e.reason === 'BackOff') events.push(e.message)
    })()
    await runtime.deploy(lease, {name: 'dev', services: [service('crash', ['sh', '-c', 'echo starting; echo boom >&2; exit 3'])]})
    const failing = await statusEventually(runtime, lease, (s) => (s.failures ?? []).length > 0)
    expect(failing.services.crash).toMatchObject({available: 0, ready: false})
    expect(failing.failures![0]).toMatchObject({service: 'crash', replica: 0, exitCode: 3})
    expect(failing.failures![0]!.lastLines).toEqual(['starting', 'boom'])
    expect(failing.errors[0]).toMatch(/crash replica 0 exited with code 3.*last log lines: starting \| boom/)
    // It keeps failing across restarts, and is never available in between.
    const later = await statusEventually(runtime, lease, (s) => (s.failures?.[0]?.restarts ?? 0) >= 2)
    expect(later.failures![0]!.restarts).toBeGreaterThanOrEqual(2)
    expect(later.services.crash!.available).toBe(0)
    await seen
    // The shared policy (supervision.ts): 1 s, then 2 s, then 4 s …
    expect(events[0]).toMatch(/exited with code 3.*restarting in 1 s; last log lines: starting \| boom/)
    expect(events[1]).toMatch(/restarting in 2 s/)
  })

  it('reports a replica that cannot bind its port with the error it printed', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()))
    const taken = (holder.address() as AddressInfo).port
    try {
      await runtime.deploy(lease, {name: 'dev', services: [service('bind', [process.execPath, '-e', `require('net').createServer().listen(${taken}, '127.0.0.1')`])]})
      const status = await statusEventually(runtime, lease, (s) => (s.failures ?? []).length > 0)
      expect(status.failures![0]).toMatchObject({service: 'bind', reason: 'exited', exitCode: 1})
      expect(status.failures![0]!.lastLines.join('\n')).toMatch(/EADDRINUSE/)
    } finally {
      holder.close()
    }
  })

  it('gives a replaced service\'s failure only the lines of its new spec, not what the old one printed', async () => {
    await runtime.deploy(lease, {name: 'dev', services: [service('swap', ['sh', '-c', 'echo old spec; exec sleep 60'])]})
    await statusEventually(runtime, lease, (s) => s.services.swap?.available === 1 || (s.failures ?? []).length > 0)
    await runtime.update(lease, {name: 'dev', services: [service('swap', ['sh', '-c', 'echo boom >&2; exit 3'])]})
    const status = await statusEventually(runtime, lease, (s) => (s.failures ?? []).some((f) => f.service === 'swap'))
    expect(status.failures!.find((f) => f.service === 'swap')!.lastLines).toEqual(['boom'])
  })

  it('reports a command that cannot start (exit 127) with what the provider saw', async () => {
    await runtime.deploy(lease, {name: 'dev', services: [service('missing', ['no-such-command-edge', '--flag'])]})
    const status = await statusEventually(runtime, lease, (s) => (s.failures ?? []).length > 0)
    expect(status.failures![0]).toMatchObject({service: 'missing', reason: 'start_failed', exitCode: 127})
    expect(status.failures![0]!.lastLines.join('\n')).toMatch(/cannot start "no-such-command-edge"/)
  })

  it('warns that absolute paths are the host\'s, and stops replicas on purpose without calling it a failure', async () => {
    await runtime.deploy(lease, {name: 'dev', services: [service('batch', ['sh', '-c', 'mkdir -p results && exec sleep 60 # would write /results on a real provider'])]})
    const status = await readyEventually(runtime, lease)
    expect(status.warnings?.join(' ')).toMatch(/batch uses absolute paths \(\/results\)/)
    expect(status.failures).toEqual([])
    const work = await collect(await runtime.exec(lease, {service: 'batch', cmd: ['pwd']}))
    expect(work.stdout.trim()).toMatch(new RegExp(`^${dataDir}/leases/[0-9a-f]+/batch-0/work$`))
  })
})
