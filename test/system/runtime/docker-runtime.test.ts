import {randomBytes} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ProviderError} from '../../../src/errors.js'
import {planLeaseIngress} from '../../../src/provider/ingress/hostnames.js'
import {IngressProxy} from '../../../src/provider/ingress/proxy.js'
import {DockerRuntime} from '../../../src/provider/runtime/docker/docker-runtime.js'
import {Labels, leaseKey, leaseLabelFilters, matchesLabelFilters} from '../../../src/provider/runtime/labels.js'
import type {ManifestExpose, ManifestGroup, ManifestService} from '../../../src/provider/runtime/manifest-types.js'
import type {LeaseId, LeaseRuntimeStatus, LogLine, RuntimeEvent} from '../../../src/provider/runtime/types.js'
import {type PodmanSocket, startPodman} from '../../helpers/podman.js'
import {ensureTestImage, testImage} from '../../helpers/test-image.js'
import {collect, getEventually, httpOptions, readyEventually, statusEventually} from './helpers.js'

function expose(partial: Partial<ManifestExpose> & {port: number}): ManifestExpose {
  return {externalPort: 0, proto: 'TCP', service: '', global: true, hosts: null, httpOptions, ip: '', endpointSequenceNumber: 0, ...partial}
}

function web(): ManifestService {
  return {
    name: 'web',
    image: 'busybox:1.36',
    command: ['sh', '-c'],
    args: ['mkdir -p /www && echo "hello from $GREETING" > /www/index.html && echo web starting && exec httpd -f -v -p 8080 -h /www'],
    env: ['GREETING=web'],
    count: 1,
    resources: {
      cpu: {units: {val: '250'}},
      memory: {size: {val: '67108864'}},
      storage: [
        {name: 'default', size: {val: '134217728'}},
        {name: 'data', size: {val: '134217728'}, attributes: [{key: 'class', value: 'beta2'}, {key: 'persistent', value: 'true'}]},
      ],
    },
    expose: [expose({port: 8080, externalPort: 80, hosts: ['www.edge.test']}), expose({port: 9000, externalPort: 9000})],
    params: {storage: [{name: 'data', mount: '/data', readOnly: false}]},
  }
}

function logger(env: string[] = []): ManifestService {
  return {
    name: 'logger',
    image: 'busybox:1.36',
    command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 0.1; done'],
    args: null,
    env,
    count: 1,
    resources: {cpu: {units: {val: '100'}}, memory: {size: {val: '33554432'}}, storage: [{name: 'default', size: {val: '134217728'}}]},
    expose: null,
  }
}

describe('docker runtime on Podman', () => {
  let podman: PodmanSocket
  let runtime: DockerRuntime
  let proxy: IngressProxy
  const provider = `akash1edgetest${randomBytes(4).toString('hex')}`
  const lease: LeaseId = {owner: 'akash1tenant', dseq: String(1000 + Math.floor(Math.random() * 1e6)), gseq: 1, oseq: 1, provider}
  const group: ManifestGroup = {name: 'dcloud', services: [web(), logger()]}
  const events: RuntimeEvent[] = []
  let deployed: LeaseRuntimeStatus

  beforeAll(async () => {
    podman = await startPodman()
    await ensureTestImage(podman.socketPath)
    runtime = new DockerRuntime({socketPath: podman.socketPath, provider, pullTimeoutMs: 60_000})
    proxy = new IngressProxy({host: '127.0.0.1', port: 0})
    await proxy.listen()
  })

  afterAll(async () => {
    // Whatever a failed test left behind goes too.
    if (runtime) {
      for (const l of await runtime.list().catch(() => [])) await runtime.teardown(l.lease).catch(() => undefined)
      await runtime.close()
    }
    await proxy?.close()
    await podman?.stop()
  })

  it('deploys a group: images found locally, containers running, ports published', async () => {
    await runtime.deploy(lease, group, {manifestVersion: 'c0ffee', onEvent: (e) => events.push(e)})
    // A replica counts as available once it stayed up through the grace period (supervision.ts).
    deployed = await readyEventually(runtime, lease)
    expect(deployed.errors).toEqual([])
    expect(deployed.failures).toEqual([])
    expect(deployed.manifestVersion).toBe('c0ffee')
    expect(deployed.services.web).toMatchObject({total: 1, available: 1, ready: true})
    expect(deployed.services.logger).toMatchObject({total: 1, available: 1, ready: true})
    // What each service runs, from the engine: the image it was created from and its manifest digest
    // (Podman knows one even for the locally imported test image).
    const digest = expect.stringMatching(/^sha256:[0-9a-f]{64}$/)
    expect(deployed.images).toEqual([
      {service: 'logger', image: testImage, digest, digestOf: 'manifest'},
      {service: 'web', image: testImage, digest, digestOf: 'manifest'},
    ])
    expect(deployed.images?.[0]?.digest).toBe(deployed.images?.[1]?.digest)
    const http = deployed.services.web?.ports.find((p) => p.port === 8080)
    expect(http).toMatchObject({ingress: true, externalPort: 80, hostIp: '127.0.0.1'})
    expect(http?.hostPort).toBeGreaterThan(0)
    expect(deployed.services.web?.ports.find((p) => p.port === 9000)).toMatchObject({ingress: false, global: true, hostIp: '0.0.0.0'})
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['image.present', 'volume.created', 'lease.deployed']))
    expect(events.some((e) => e.image === `docker.io/library/busybox:1.36` || e.image === testImage)).toBe(true)
  })

  it('answers HTTP from inside the container on its published port', async () => {
    const port = deployed.services.web?.ports.find((p) => p.port === 8080)?.hostPort as number
    const res = await getEventually(port)
    expect(res.body).toBe('hello from web\n')
  })

  it('answers through the ingress by Host header, for the generated name and the accept name', async () => {
    const plan = planLeaseIngress(deployed, {domain: 'localhost', publicHost: '127.0.0.1', ingressPort: proxy.port})
    expect(proxy.setLeaseRoutes(leaseKey(lease), plan.routes).conflicts).toEqual([])
    const generated = plan.routes[0]?.hostnames[0] as string
    expect(generated).toMatch(/^[a-z2-7]+\.localhost$/)
    expect(plan.uris.web).toEqual([`${generated}:${proxy.port}`, `www.edge.test:${proxy.port}`])
    expect((await getEventually(proxy.port, `${generated}:${proxy.port}`)).body).toBe('hello from web\n')
    expect((await getEventually(proxy.port, 'www.edge.test')).body).toBe('hello from web\n')
    expect(plan.forwardedPorts.web).toEqual([
      {host: '127.0.0.1', port: 9000, externalPort: deployed.services.web?.ports.find((p) => p.port === 9000)?.hostPort, proto: 'TCP', name: 'web'},
    ])
  })

  it('reads the last lines of a service, and follows new ones', async () => {
    await new Promise((r) => setTimeout(r, 500))
    const tail: LogLine[] = []
    for await (const line of runtime.logs(lease, {services: ['logger'], tail: 4})) tail.push(line)
    expect(tail).toHaveLength(4)
    expect(tail.every((l) => l.service === 'logger' && l.replica === 0)).toBe(true)
    expect(tail.some((l) => l.stream === 'stdout' && /^tick \d+$/.test(l.line))).toBe(true)
    expect(tail.some((l) => l.stream === 'stderr' && /^warn \d+$/.test(l.line))).toBe(true)

    const lastSeen = Math.max(...tail.filter((l) => l.stream === 'stdout').map((l) => Number(l.line.split(' ')[1])))
    const fresh: number[] = []
    for await (const line of runtime.logs(lease, {services: ['logger'], tail: 0, follow: true})) {
      if (line.stream === 'stdout') fresh.push(Number(line.line.split(' ')[1]))
      if (fresh.length === 3) break
    }
    expect(fresh[0]).toBeGreaterThan(lastSeen)
    expect(fresh).toEqual([fresh[0], (fresh[0] as number) + 1, (fresh[0] as number) + 2])

    const all: LogLine[] = []
    for await (const line of runtime.logs(lease, {tail: -1})) all.push(line)
    expect(all.some((l) => l.service === 'web' && l.line === 'web starting')).toBe(true)
  })

  it('runs commands in a replica with their output and exit code', async () => {
    expect(await collect(await runtime.exec(lease, {service: 'web', cmd: ['echo', 'hi']}))).toEqual({stdout: 'hi\n', stderr: '', exitCode: 0})
    expect(await collect(await runtime.exec(lease, {service: 'web', cmd: ['sh', '-c', 'echo oops >&2; exit 3']}))).toEqual({
      stdout: '',
      stderr: 'oops\n',
      exitCode: 3,
    })
    expect(await collect(await runtime.exec(lease, {service: 'web', cmd: ['sh', '-c', 'cat; echo "env=$GREETING"'], stdin: true}), 'typed\n')).toEqual({
      stdout: 'typed\nenv=web\n',
      stderr: '',
      exitCode: 0,
    })
    // An interactive shell, as the shell websocket opens it: terminal, stdin, a size.
    const tty = await runtime.exec(lease, {service: 'web', cmd: ['sh'], tty: true, stdin: true, columns: 100, rows: 30})
    tty.stdin?.write('stty size; exit 7\n')
    const result = await collect(tty)
    expect(result.exitCode).toBe(7)
    expect(result.stdout).toMatch(/\r?\n30 100\r?\n/)
    await expect(runtime.exec(lease, {service: 'nope', cmd: ['true']})).rejects.toMatchObject({code: 'service_not_found'})
  })

  it('lets a new runtime instance find the lease and serve it without recreating anything', async () => {
    const fresh = new DockerRuntime({socketPath: podman.socketPath, provider})
    try {
      const listed = await fresh.list()
      expect(listed).toEqual([{lease, group: 'dcloud', manifestVersion: 'c0ffee', services: ['logger', 'web']}])
      const status = await fresh.status(lease)
      expect(status.services.web?.replicas.map((r) => r.id)).toEqual(deployed.services.web?.replicas.map((r) => r.id))
      expect(status.services.web?.ports).toEqual(deployed.services.web?.ports)
      const again = await fresh.deploy(lease, group, {manifestVersion: 'c0ffee'})
      expect(again.services.logger?.replicas.map((r) => r.id)).toEqual(deployed.services.logger?.replicas.map((r) => r.id))
      const lines: LogLine[] = []
      for await (const line of fresh.logs(lease, {services: ['web'], tail: -1})) lines.push(line)
      expect(lines.map((l) => l.line)).toContain('web starting')
      const history: RuntimeEvent[] = []
      for await (const e of fresh.events(lease)) history.push(e)
      expect(history.filter((e) => e.type === 'container.started').map((e) => e.service).sort()).toEqual(['logger', 'web'])
      expect(await collect(await fresh.exec(lease, {service: 'logger', cmd: ['echo', 'still here']}))).toMatchObject({stdout: 'still here\n', exitCode: 0})
    } finally {
      await fresh.close()
    }
  })

  it('replaces only the services whose spec changed on update', async () => {
    const before = await runtime.status(lease)
    const controller = new AbortController()
    const live: RuntimeEvent[] = []
    const following = (async () => {
      for await (const e of runtime.events(lease, {follow: true, services: ['logger'], signal: controller.signal})) {
        live.push(e)
        if (e.type === 'container.started' && e.ts > Date.now() - 60_000 && live.some((x) => x.type === 'container.removed')) break
      }
    })()
    await runtime.update(lease, {name: 'dcloud', services: [web(), logger(['LEVEL=debug'])]}, {manifestVersion: 'beef'})
    const updated = await readyEventually(runtime, lease)
    await Promise.race([following, new Promise((r) => setTimeout(r, 20_000))])
    controller.abort()
    expect(live.map((e) => e.type)).toEqual(expect.arrayContaining(['service.replaced', 'container.removed', 'container.created', 'container.started']))
    expect(live.every((e) => e.service === undefined || e.service === 'logger')).toBe(true)
    // The old container was removed on purpose: its exit is not a crash to back off from.
    expect(live.filter((e) => e.reason === 'BackOff')).toEqual([])
    expect(updated.failures).toEqual([])
    expect(updated.services.web?.replicas[0]?.id).toBe(before.services.web?.replicas[0]?.id)
    expect(updated.services.logger?.replicas[0]?.id).not.toBe(before.services.logger?.replicas[0]?.id)
    expect(updated.services.logger?.ready).toBe(true)
    // The changed service is at its next spec revision, every replica on it; the other keeps its own.
    expect(before.services.logger).toMatchObject({generation: 1, updated: 1})
    expect(updated.services.logger).toMatchObject({generation: 2, updated: 1})
    expect(updated.services.web).toMatchObject({generation: before.services.web?.generation, updated: before.services.web?.total})
    const again = await runtime.update(lease, {name: 'dcloud', services: [web(), logger(['LEVEL=debug'])]}, {manifestVersion: 'beef'})
    expect(again.services.logger).toMatchObject({generation: 2, updated: 1})
    const level = await collect(await runtime.exec(lease, {service: 'logger', cmd: ['sh', '-c', 'echo $LEVEL']}))
    expect(level.stdout).toBe('debug\n')
  })

  it('reports an image that cannot be pulled as an event and a status error, without hanging', async () => {
    const broken: LeaseId = {...lease, dseq: String(Number(lease.dseq) + 1)}
    const seen: RuntimeEvent[] = []
    const error = await runtime
      .deploy(broken, {name: 'dcloud', services: [{...logger(), image: 'localhost/edge-test/does-not-exist:1'}]}, {onEvent: (e) => seen.push(e)})
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).code).toBe('image_pull_failed')
    expect((error as ProviderError).message).toMatch(/localhost\/edge-test\/does-not-exist:1 could not be pulled/)
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['image.pull.started', 'image.pull.failed', 'lease.deploy.failed']))
    const status = await runtime.status(broken)
    expect(status.errors.join('\n')).toMatch(/does-not-exist/)
    expect(status.services.logger).toMatchObject({total: 1, available: 0, ready: false})
    await runtime.teardown(broken)
  })

  it('restarts a crashing container itself with the shared back-off, and reports it at once with its exit code and last lines', async () => {
    const crashing: LeaseId = {...lease, dseq: String(Number(lease.dseq) + 3)}
    const backoffs: string[] = []
    try {
      const following = (async () => {
        for await (const e of runtime.events(crashing, {follow: true, signal: AbortSignal.timeout(8000)})) if (e.reason === 'BackOff') backoffs.push(e.message)
      })()
      await runtime.deploy(crashing, {name: 'dcloud', services: [{...logger(), name: 'crash', command: ['sh', '-c', 'echo starting; echo boom >&2; exit 3']}]})
      const failing = await statusEventually(runtime, crashing, (st) => (st.failures ?? []).some((f) => f.exitCode === 3))
      expect(failing.services.crash).toMatchObject({available: 0, ready: false})
      expect(failing.failures![0]).toMatchObject({service: 'crash', replica: 0, exitCode: 3})
      expect(failing.failures![0]!.lastLines).toEqual(['starting', 'boom'])
      expect(failing.errors.join('\n')).toMatch(/crash replica 0 exited with code 3.*last log lines: starting \| boom/)
      // The engine does not restart it (Podman's "always" restarts several times a second): the provider does.
      const id = failing.services.crash!.replicas[0]!.id
      expect((await runtime.docker.getContainer(id).inspect()).HostConfig.RestartPolicy?.Name).toBe('no')
      const later = await statusEventually(runtime, crashing, (st) => (st.failures?.[0]?.restarts ?? 0) >= 2)
      expect(later.failures![0]!.restarts).toBeGreaterThanOrEqual(2)
      expect(later.services.crash!.available).toBe(0)
      await following
      expect(backoffs[0]).toMatch(/exited with code 3.*restarting in 1 s; last log lines: starting \| boom/)
      expect(backoffs[1]).toMatch(/restarting in 2 s/)
    } finally {
      await runtime.teardown(crashing)
    }
  })

  it('reports a command the image does not have at once, with what the engine said (start_failed)', async () => {
    const broken: LeaseId = {...lease, dseq: String(Number(lease.dseq) + 4)}
    try {
      const error = await runtime.deploy(broken, {name: 'dcloud', services: [{...logger(), name: 'nocmd', command: ['edge-no-such-command']}]}).catch((e: unknown) => e)
      expect(error).toMatchObject({code: 'deploy_failed', message: expect.stringMatching(/nocmd: .*edge-no-such-command/)})
      const status = await runtime.status(broken)
      expect(status.failures?.[0]).toMatchObject({service: 'nocmd', reason: 'start_failed', restarts: 0})
      expect(status.failures![0]!.message).toMatch(/nocmd could not start: .*edge-no-such-command.*not found/)
      expect(status.errors.join('\n')).toMatch(/nocmd could not start/)
      expect(status.services.nocmd).toMatchObject({available: 0, ready: false})
    } finally {
      await runtime.teardown(broken)
    }
  })

  it('publishes on host ports from a configured range and keeps them when a service is replaced', async () => {
    const ranged = new DockerRuntime({socketPath: podman.socketPath, provider, portRange: {min: 39100, max: 39199}, leaseNetworks: false})
    const other: LeaseId = {...lease, dseq: String(Number(lease.dseq) + 2)}
    try {
      const first = await ranged.deploy(other, {name: 'dcloud', services: [web()]})
      const ports = first.services.web?.ports.map((p) => p.hostPort) ?? []
      expect(ports).toHaveLength(2)
      for (const p of ports) expect(p >= 39100 && p <= 39199).toBe(true)
      expect((await getEventually(ports[0] as number)).body).toBe('hello from web\n')
      const changed = await ranged.update(other, {name: 'dcloud', services: [{...web(), env: ['GREETING=v2']}]})
      expect(changed.services.web?.replicas[0]?.id).not.toBe(first.services.web?.replicas[0]?.id)
      expect(changed.services.web?.ports.map((p) => p.hostPort)).toEqual(ports)
      expect((await getEventually(ports[0] as number)).body).toBe('hello from v2\n')
    } finally {
      await ranged.teardown(other)
      await ranged.close()
    }
  })

  it('tears the lease down: no container, volume or network is left', async () => {
    await runtime.teardown(lease)
    proxy.removeLease(leaseKey(lease))
    const filters = leaseLabelFilters(lease)
    const containers = await runtime.docker.listContainers({all: true})
    expect(containers.filter((c) => matchesLabelFilters(c.Labels, filters))).toEqual([])
    const volumes = (await runtime.docker.listVolumes()).Volumes ?? []
    expect(volumes.filter((v) => v.Labels?.[Labels.provider] === provider)).toEqual([])
    const networks = await runtime.docker.listNetworks()
    expect(networks.filter((n) => n.Labels?.[Labels.provider] === provider)).toEqual([])
    expect(await runtime.list()).toEqual([])
    const status = await runtime.status(lease)
    expect(status.services).toEqual({})
    await runtime.teardown(lease)
  })
})
