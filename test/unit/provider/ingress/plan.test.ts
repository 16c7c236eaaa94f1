import {describe, expect, it} from 'vitest'

import {ingressHostname, normalizeHostname, planLeaseIngress} from '../../../../src/provider/ingress/hostnames.js'
import {RouteTable} from '../../../../src/provider/ingress/route-table.js'
import {defaultHttpOptions} from '../../../../src/provider/runtime/manifest-read.js'
import type {LeaseRuntimeStatus, PublishedPort} from '../../../../src/provider/runtime/types.js'

const lease = {owner: 'akash1owner', dseq: '77', gseq: 1, oseq: 1, provider: 'akash1prov'}

function port(p: Partial<PublishedPort> & {port: number; replica: number; hostPort: number}): PublishedPort {
  return {service: 'web', externalPort: p.port, proto: 'TCP', global: true, ingress: false, hostIp: '0.0.0.0', hosts: [], httpOptions: defaultHttpOptions, ...p}
}

const status: LeaseRuntimeStatus = {
  lease,
  group: 'dc',
  errors: [],
  services: {
    web: {
      name: 'web',
      total: 2,
      available: 2,
      generation: 1,
      updated: 2,
      ready: true,
      replicas: [],
      ports: [
        port({port: 8080, externalPort: 80, ingress: true, hostIp: '127.0.0.1', replica: 0, hostPort: 41000, hosts: ['WWW.Example.com']}),
        port({port: 8080, externalPort: 80, ingress: true, hostIp: '127.0.0.1', replica: 1, hostPort: 41001, hosts: ['www.example.com']}),
        port({port: 9000, replica: 0, hostPort: 42000}),
        port({port: 7000, global: false, hostIp: '127.0.0.1', replica: 0, hostPort: 43000}),
      ],
    },
    dns: {name: 'dns', total: 1, available: 1, generation: 1, updated: 1, ready: true, replicas: [], ports: [port({service: 'dns', port: 53, proto: 'UDP', replica: 0, hostPort: 44000})]},
  },
}

describe('ingress plan', () => {
  it('derives a stable, salted DNS-label hostname per service port', () => {
    const a = ingressHostname(lease, 'web', 8080, {domain: 'localhost'})
    expect(a).toMatch(/^[a-z2-7]{26}\.localhost$/)
    expect(ingressHostname(lease, 'web', 8080, {domain: 'LOCALHOST.'})).toBe(a)
    expect(ingressHostname(lease, 'web', 8080, {domain: 'localhost', salt: 's'})).not.toBe(a)
    expect(ingressHostname({...lease, dseq: '78'}, 'web', 8080, {domain: 'localhost'})).not.toBe(a)
  })

  it('routes HTTP exposes to every replica, lists URIs and forwards the other global ports', () => {
    const plan = planLeaseIngress(status, {domain: 'localhost', publicHost: 'provider.example.com', ingressPort: 8081})
    const generated = ingressHostname(lease, 'web', 8080, {domain: 'localhost'})
    expect(plan.routes).toHaveLength(1)
    expect(plan.routes[0]).toMatchObject({
      hostnames: [generated, 'www.example.com'],
      service: 'web',
      port: 8080,
      targets: [
        {host: '127.0.0.1', port: 41000, replica: 0},
        {host: '127.0.0.1', port: 41001, replica: 1},
      ],
    })
    expect(plan.uris).toEqual({web: [`${generated}:8081`, 'www.example.com:8081']})
    expect(plan.forwardedPorts).toEqual({
      web: [{host: 'provider.example.com', port: 9000, externalPort: 42000, proto: 'TCP', name: 'web'}],
      dns: [{host: 'provider.example.com', port: 53, externalPort: 44000, proto: 'UDP', name: 'dns'}],
    })
    expect(planLeaseIngress(status, {domain: 'ingress.example.com', publicHost: 'p', ingressPort: 80}).uris.web?.[0]).not.toContain(':')
  })
})

describe('RouteTable', () => {
  const route = (hostnames: string[], leaseKey: string) => ({hostnames, leaseKey, lease, service: 'web', port: 80, targets: [], httpOptions: defaultHttpOptions})

  it('looks hosts up without port, case or trailing dot', () => {
    const table = new RouteTable()
    table.setLease('a', [route(['app.localhost'], 'a')])
    expect(table.lookup('APP.localhost.:8080')?.leaseKey).toBe('a')
    expect(table.lookup('other.localhost')).toBeUndefined()
    expect(normalizeHostname('[::1]:80')).toBe('[::1]')
  })

  it('keeps a name with the lease that has it and replaces a lease\'s routes wholesale', () => {
    const table = new RouteTable()
    table.setLease('a', [route(['shared.example.com', 'a.localhost'], 'a')])
    expect(table.setLease('b', [route(['shared.example.com', 'b.localhost'], 'b')]).conflicts).toEqual(['shared.example.com'])
    expect(table.lookup('shared.example.com')?.leaseKey).toBe('a')
    table.setLease('a', [route(['a2.localhost'], 'a')])
    expect(table.lookup('a.localhost')).toBeUndefined()
    expect(table.lookup('shared.example.com')).toBeUndefined()
    table.removeLease('b')
    expect(table.all().map((r) => r.leaseKey)).toEqual(['a'])
  })
})
