import {describe, expect, it} from 'vitest'

import {containerCreateOptions, type ContainerPlan} from '../../../../src/provider/runtime/container-spec.js'
import {Labels, leaseFromLabels} from '../../../../src/provider/runtime/labels.js'
import {expose, lease, service} from './fixtures.js'

function plan(partial: Partial<ContainerPlan> = {}): ContainerPlan {
  return {
    lease,
    group: 'dcloud',
    service: service({name: 'web', command: ['sh', '-c'], args: ['httpd -f'], env: ['A=1'], count: 2, expose: [expose({port: 80, global: true})]}),
    replica: 1,
    name: 'edge-x-web-1',
    specHash: 'abc',
    generation: 3,
    manifestVersion: 'f00d',
    ports: [{port: 80, proto: 'TCP', hostIp: '127.0.0.1', hostPort: 0}],
    volumes: [],
    tmpfs: [],
    limits: true,
    restartPolicy: 'always',
    ...partial,
  }
}

describe('container create options', () => {
  it('maps command to the entrypoint and args to CMD, as Kubernetes does', () => {
    const o = containerCreateOptions(plan())
    expect(o.Entrypoint).toEqual(['sh', '-c'])
    expect(o.Cmd).toEqual(['httpd -f'])
    expect(o.Image).toBe('docker.io/library/busybox:1.36')
    const noCommand = containerCreateOptions(plan({service: service({name: 'web', args: ['x']})}))
    expect(noCommand.Entrypoint).toBeUndefined()
    expect(noCommand.Cmd).toEqual(['x'])
  })

  it('sets CPU from millicores and memory from bytes', () => {
    const o = containerCreateOptions(plan())
    expect(o.HostConfig?.NanoCpus).toBe(500_000_000)
    expect(o.HostConfig?.Memory).toBe(134217728)
    expect(containerCreateOptions(plan({limits: false})).HostConfig?.NanoCpus).toBeUndefined()
  })

  it('publishes every expose, letting the engine choose when the host port is 0', () => {
    const o = containerCreateOptions(plan({ports: [
      {port: 80, proto: 'TCP', hostIp: '127.0.0.1', hostPort: 0},
      {port: 53, proto: 'UDP', hostIp: '0.0.0.0', hostPort: 30053},
    ]}))
    expect(o.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{HostIp: '127.0.0.1', HostPort: ''}],
      '53/udp': [{HostIp: '0.0.0.0', HostPort: '30053'}],
    })
    expect(Object.keys(o.ExposedPorts ?? {})).toEqual(expect.arrayContaining(['80/tcp', '53/udp']))
  })

  it('labels the container with its lease, service, replica, spec and manifest version', () => {
    const labels = containerCreateOptions(plan()).Labels ?? {}
    expect(leaseFromLabels(labels)).toEqual(lease)
    expect(labels[Labels.service]).toBe('web')
    expect(labels[Labels.replica]).toBe('1')
    expect(labels[Labels.count]).toBe('2')
    expect(labels[Labels.specHash]).toBe('abc')
    expect(labels[Labels.generation]).toBe('3')
    expect(labels[Labels.manifestVersion]).toBe('f00d')
    expect(JSON.parse(labels[Labels.expose] ?? '[]')[0].port).toBe(80)
  })

  it('passes the manifest env after the lease variables', () => {
    const env = containerCreateOptions(plan()).Env ?? []
    expect(env).toContain('AKASH_DEPLOYMENT_SEQUENCE=1234')
    expect(env.at(-1)).toBe('A=1')
  })

  it('asks for GPUs through DeviceRequests, by count or by device ids', () => {
    const gpu = service({name: 'ml', resources: {cpu: {units: {val: '1000'}}, memory: {size: {val: '1'}}, gpu: {units: {val: '2'}}}})
    expect(containerCreateOptions(plan({service: gpu})).HostConfig?.DeviceRequests).toEqual([
      {Driver: 'nvidia', Count: 2, Capabilities: [['gpu']]},
    ])
    expect(containerCreateOptions(plan({service: gpu, gpuDeviceIds: ['GPU-1', 'GPU-2']})).HostConfig?.DeviceRequests).toEqual([
      {Driver: 'nvidia', DeviceIDs: ['GPU-1', 'GPU-2'], Capabilities: [['gpu']]},
    ])
    expect(containerCreateOptions(plan()).HostConfig?.DeviceRequests).toBeUndefined()
  })

  it('mounts volumes and tmpfs, joins the lease network under the service name', () => {
    const o = containerCreateOptions(plan({
      volumes: [{volume: 'edge-v', mount: '/data', readOnly: true}],
      tmpfs: [{mount: '/scratch', sizeBytes: 1024}],
      network: 'edge-net',
    }))
    expect(o.HostConfig?.Mounts).toEqual([
      {Type: 'volume', Source: 'edge-v', Target: '/data', ReadOnly: true},
      {Type: 'tmpfs', Source: '', Target: '/scratch', TmpfsOptions: {SizeBytes: 1024, Mode: 0o1777}},
    ])
    expect(o.HostConfig?.NetworkMode).toBe('edge-net')
    expect(o.NetworkingConfig?.EndpointsConfig?.['edge-net']?.Aliases).toEqual(['web'])
  })
})
