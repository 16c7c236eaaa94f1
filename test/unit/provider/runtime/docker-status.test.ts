import {describe, expect, it} from 'vitest'

import {exitCodeFromStatus, publishedPorts} from '../../../../src/provider/runtime/docker/status.js'
import {splitReference} from '../../../../src/provider/runtime/docker/image-pull.js'
import {expose} from './fixtures.js'

describe('docker status reading', () => {
  it('matches exposes to the engine\'s port list by port, protocol and bind address', () => {
    const ports = publishedPorts(
      'web',
      0,
      [
        expose({port: 80, externalPort: 80, global: true, hosts: ['a.example.com']}),
        expose({port: 9000, externalPort: 9000, global: true}),
        expose({port: 53, proto: 'UDP', global: true}),
        expose({port: 7000, global: false}),
      ],
      {
        Ports: [
          {IP: '127.0.0.1', PrivatePort: 80, PublicPort: 41000, Type: 'tcp'},
          {IP: '0.0.0.0', PrivatePort: 9000, PublicPort: 41001, Type: 'tcp'},
          {IP: '0.0.0.0', PrivatePort: 53, PublicPort: 41002, Type: 'udp'},
        ],
      },
      {publicAddress: '0.0.0.0', privateAddress: '127.0.0.1'},
    )
    expect(ports.map((p) => [p.port, p.proto, p.ingress, p.hostIp, p.hostPort])).toEqual([
      [80, 'TCP', true, '127.0.0.1', 41000],
      [9000, 'TCP', false, '0.0.0.0', 41001],
      [53, 'UDP', false, '0.0.0.0', 41002],
      [7000, 'TCP', false, '127.0.0.1', 0],
    ])
    expect(ports[0]?.hosts).toEqual(['a.example.com'])
    expect(ports[1]?.externalPort).toBe(9000)
  })

  it('reads exit codes from the engine\'s status text', () => {
    expect(exitCodeFromStatus('Exited (3) 2 minutes ago')).toBe(3)
    expect(exitCodeFromStatus('Up 5 seconds')).toBeUndefined()
  })

  it('splits image references for the pull API', () => {
    expect(splitReference('docker.io/library/busybox:1.36')).toEqual({fromImage: 'docker.io/library/busybox', tag: '1.36'})
    expect(splitReference('localhost:5000/app')).toEqual({fromImage: 'localhost:5000/app', tag: 'latest'})
    expect(splitReference('ghcr.io/a/b@sha256:00')).toEqual({fromImage: 'ghcr.io/a/b@sha256:00'})
  })
})
