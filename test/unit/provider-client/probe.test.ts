import {describe, expect, it} from 'vitest'

import {measureLatency, quantile} from '../../../src/provider-client/probe.js'

describe('latency probes', () => {
  it('takes the median by nearest rank', () => {
    expect(quantile([30, 10, 20], 0.5)).toBe(20)
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(20)
    expect(quantile([10, 20, 30, 40], 0.95)).toBe(40)
    expect(quantile([], 0.5)).toBeUndefined()
  })

  it('probes every host in parallel, a few times each, and reports p50 and failures', async () => {
    const samples: Record<string, number[]> = {'https://a:8443': [40, 10, 30], 'https://b:8443': [5, 50, 6]}
    const calls: string[] = []
    const results = await measureLatency(['https://a:8443', 'https://b:8443', 'https://a:8443', 'https://down:8443'], {
      probe: async (host) => {
        calls.push(host)
        if (host.includes('down')) throw new Error('connect ECONNREFUSED')
        const ms = samples[host].shift()!
        return {connectMs: ms / 2, handshakeMs: ms}
      },
    })
    expect(results.get('https://a:8443')).toMatchObject({p50Ms: 30, rttMs: 15, samples: 3, failures: 0})
    expect(results.get('https://b:8443')).toMatchObject({p50Ms: 6, p95Ms: 50})
    // A refused host is not hammered.
    expect(results.get('https://down:8443')).toMatchObject({samples: 0, failures: 1, error: 'connect ECONNREFUSED'})
    expect(calls.filter((c) => c === 'https://a:8443')).toHaveLength(3)
  })

  it('stops probing when the time budget is spent', async () => {
    let t = 0
    const results = await measureLatency(['https://slow:1'], {
      budgetMs: 100,
      now: () => t,
      probe: async () => {
        t += 60
        return {connectMs: 30, handshakeMs: 60}
      },
    })
    expect(results.get('https://slow:1')!.samples).toBe(2)
  })

  it('measures a real TLS handshake', async () => {
    const {createServer} = await import('node:https')
    const {selfSignedCert} = await import('../../helpers/fake-provider.js')
    const cert = await selfSignedCert('akash1test')
    const server = createServer({cert: cert.certPem, key: cert.keyPem})
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const uri = `https://127.0.0.1:${(server.address() as {port: number}).port}`
    try {
      const result = (await measureLatency([uri])).get(uri)!
      expect(result.samples).toBe(3)
      expect(result.p50Ms).toBeGreaterThan(0)
    } finally {
      server.close()
    }
  })
})
