import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {deriveKey} from '../../../src/config/mnemonic.js'
import {ProviderError} from '../../../src/errors.js'
import {ProviderClient, RECONNECT_EXTRA_LINES, reconnectTail, type LogStreamEvent} from '../../../src/provider-client/client.js'
import {leaseToken} from '../../../src/provider-client/jwt.js'
import {establishTrust} from '../../../src/provider-client/trust.js'
import {FakeProvider, selfSignedCert} from '../../helpers/fake-provider.js'
import {CORPUS} from '../../helpers/corpus.js'

const MNEMONIC = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()
const PROVIDER = 'akash1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn7kpu2u'
const OTHER = 'akash1zg69v7ys40x77y352eufp27daufrg4ncxy8l4g'

const running: FakeProvider[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

async function setup(options: Partial<ConstructorParameters<typeof FakeProvider>[0]> = {}) {
  const key = await deriveKey(MNEMONIC)
  const fake = await new FakeProvider({provider: PROVIDER, tenant: {address: key.address, pubkey: key.pubkey}, ...options}).start()
  running.push(fake)
  const lease = {owner: key.address, provider: PROVIDER, dseq: 77n, gseq: 1, oseq: 1}
  const client = new ProviderClient({
    provider: PROVIDER,
    hostUri: fake.hostUri,
    certificates: fake.certificates,
    token: (scope) => leaseToken({key, provider: PROVIDER, dseq: 77n, scope, services: ['web']}),
    sleep: async () => {},
  })
  return {key, fake, client, lease}
}

async function collect(iter: AsyncIterable<LogStreamEvent>, until: (events: LogStreamEvent[]) => boolean): Promise<LogStreamEvent[]> {
  const events: LogStreamEvent[] = []
  for await (const e of iter) {
    events.push(e)
    if (until(events)) break
  }
  return events
}

describe('provider TLS verification', () => {
  it('accepts a self-signed certificate whose CN is the provider and whose serial is on chain', async () => {
    const {fake} = await setup()
    const trusted = await establishTrust({provider: PROVIDER, hostUri: fake.hostUri, certificates: fake.certificates})
    expect(trusted.mode).toBe('chain')
    expect(trusted.serial).toBe(fake.cert.serial)
  })

  it('refuses a certificate issued to another address', async () => {
    const {fake} = await setup({cert: await selfSignedCert(OTHER)})
    const certificates = {certificates: async () => [{owner: PROVIDER, serial: fake.cert.serial, state: 'valid' as const, cert: fake.cert.certPem, pubkey: ''}]}
    await expect(establishTrust({provider: PROVIDER, hostUri: fake.hostUri, certificates})).rejects.toThrow(/belongs to akash1zg69/)
  })

  it('refuses a certificate that is not on chain, or revoked', async () => {
    const {fake} = await setup()
    await expect(establishTrust({provider: PROVIDER, hostUri: fake.hostUri, certificates: {certificates: async () => []}})).rejects.toThrow(
      /not registered on chain/,
    )
    const revoked = {certificates: async () => [{owner: PROVIDER, serial: fake.cert.serial, state: 'revoked' as const, cert: fake.cert.certPem, pubkey: ''}]}
    await expect(establishTrust({provider: PROVIDER, hostUri: fake.hostUri, certificates: revoked})).rejects.toThrow(/revoked/)
  })

  it('refuses a registered serial whose certificate differs from the presented one', async () => {
    const {fake} = await setup()
    const impostor = await selfSignedCert(PROVIDER)
    const certificates = {certificates: async () => [{owner: PROVIDER, serial: fake.cert.serial, state: 'valid' as const, cert: impostor.certPem, pubkey: ''}]}
    await expect(establishTrust({provider: PROVIDER, hostUri: fake.hostUri, certificates})).rejects.toThrow(/does not match/)
  })

  it('sends no token to a provider that fails verification', async () => {
    const {fake, key} = await setup()
    const client = new ProviderClient({
      provider: PROVIDER,
      hostUri: fake.hostUri,
      certificates: {certificates: async () => []},
      token: (scope) => leaseToken({key, provider: PROVIDER, dseq: 1n, scope}),
    })
    await expect(client.sendManifest(1n, '[]')).rejects.toBeInstanceOf(ProviderError)
    expect(fake.tokens).toHaveLength(0)
  })
})

describe('provider client', () => {
  it('PUTs the manifest with a send-manifest token, retrying while the provider has not seen the lease', async () => {
    const {fake, client} = await setup({manifestNotFoundTimes: 2})
    const result = await client.sendManifest(77n, '[{"name":"dcloud"}]')
    expect(result.attempts).toBe(3)
    expect(fake.manifests).toEqual(['[{"name":"dcloud"}]'])
    const claims = fake.tokens.at(-1)!.claims as {leases: {permissions: Array<{provider: string; deployments: Array<{dseq: number; scope: string[]}>}>}}
    expect(claims.leases.permissions[0].provider).toBe(PROVIDER)
    expect(claims.leases.permissions[0].deployments[0]).toMatchObject({dseq: 77, scope: ['send-manifest']})
  })

  it('reads the lease status', async () => {
    const status = {services: {web: {name: 'web', available: 1, total: 1, uris: ['web.local'], ready_replicas: 1, available_replicas: 1}}}
    const {client, lease} = await setup({leaseStatus: status})
    await expect(client.leaseStatus(lease)).rejects.toMatchObject({code: 'provider_lease_not_found'})
    await client.sendManifest(77n, '[]')
    expect(await client.leaseStatus(lease)).toEqual(status)
  })

  it('maps a refused token to an auth error with a hint', async () => {
    const {fake} = await setup()
    const stranger = await deriveKey('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about')
    const client = new ProviderClient({
      provider: PROVIDER,
      hostUri: fake.hostUri,
      certificates: fake.certificates,
      token: (scope) => leaseToken({key: stranger, provider: PROVIDER, dseq: 77n, scope}),
    })
    const error = await client.sendManifest(77n, '[]').catch((e) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error.code).toBe('provider_auth')
    expect(error.exitCode).toBe(5)
    expect(error.hint).toMatch(/public key on chain/)
  })

  it('streams logs once without follow', async () => {
    const {client, lease, fake} = await setup({logs: [{name: 'web', message: 'a'}, {name: 'web', message: 'b'}]})
    const events = await collect(client.logs(lease, {tail: -1}), () => false)
    expect(events.filter((e) => e.type === 'line').map((e) => (e as {message: string}).message)).toEqual(['a', 'b'])
    // The stream says it is open before any line, once (ux-test D27).
    expect(events[0]).toEqual({type: 'connected', follow: false})
    expect(events.filter((e) => e.type === 'connected')).toHaveLength(1)
    expect(fake.logConnections[0].get('follow')).toBe('false')
  })

  it('reconnects a dropped log stream without repeating or losing lines', async () => {
    const {client, lease, fake} = await setup({logs: [{name: 'web', message: 'one'}, {name: 'web', message: 'two'}]})
    const controller = new AbortController()
    const seen: string[] = []
    const events: LogStreamEvent[] = []
    let dropped = false
    const done = (async () => {
      for await (const e of client.logs(lease, {follow: true, tail: -1, signal: controller.signal, replayQuietMs: 50})) {
        events.push(e)
        if (e.type === 'line') {
          seen.push(e.message)
          if (e.message === 'two' && !dropped) {
            dropped = true
            fake.dropLogConnections()
            // Produced while the client is disconnected, including a repeat of the last line.
            fake.emit({name: 'web', message: 'three'})
            fake.emit({name: 'web', message: 'two'})
          }
          if (seen.length === 5) controller.abort()
        }
        if (e.type === 'reconnected') setTimeout(() => fake.emit({name: 'web', message: 'four'}), 150)
      }
    })()
    await done
    expect(seen).toEqual(['one', 'two', 'three', 'two', 'four'])
    expect(events.some((e) => e.type === 'reconnecting')).toBe(true)
    // The reconnect asked for what the client remembers, and room for what came meanwhile.
    expect(fake.logConnections[1].get('tail')).toBe(String(2 + RECONNECT_EXTRA_LINES))
  })

  it('resumes after the last line shown when a follow with --tail N reconnects, however many lines came meanwhile', async () => {
    const history = Array.from({length: 10}, (_, i) => ({name: 'web', message: `line ${i + 1}`}))
    const {client, lease, fake} = await setup({logs: history})
    const controller = new AbortController()
    const seen: string[] = []
    let dropped = false
    for await (const e of client.logs(lease, {follow: true, tail: 2, signal: controller.signal, replayQuietMs: 50})) {
      if (e.type !== 'line') continue
      seen.push(e.message)
      if (e.message === 'line 10' && !dropped) {
        dropped = true
        fake.dropLogConnections()
        // More lines while it is away than --tail asked for at the start.
        for (let i = 11; i <= 15; i++) fake.emit({name: 'web', message: `line ${i}`})
      }
      if (seen.length === 7) controller.abort()
    }
    expect(seen).toEqual(['line 9', 'line 10', 'line 11', 'line 12', 'line 13', 'line 14', 'line 15'])
    expect(fake.logConnections[0].get('tail')).toBe('2')
    expect(Number(fake.logConnections[1].get('tail'))).toBeGreaterThan(5)
  })

  it('lets lines through after a reconnect even when the service logs faster than the replay quiet time', async () => {
    const {client, lease, fake} = await setup({logs: [{name: 'web', message: 'tick 1'}]})
    const controller = new AbortController()
    const seen: string[] = []
    let n = 1
    let ticker: NodeJS.Timeout | undefined
    const stop = setTimeout(() => controller.abort(), 10_000)
    for await (const e of client.logs(lease, {follow: true, tail: -1, signal: controller.signal, replayQuietMs: 300, replayMaxMs: 600})) {
      if (e.type === 'reconnected') ticker = setInterval(() => fake.emit({name: 'web', message: `tick ${++n}`}), 50)
      if (e.type !== 'line') continue
      seen.push(e.message)
      if (seen.length === 1) fake.dropLogConnections()
      if (seen.length >= 8) controller.abort()
    }
    clearInterval(ticker)
    clearTimeout(stop)
    expect(seen.length).toBeGreaterThanOrEqual(8)
    expect(seen).toEqual(Array.from({length: seen.length}, (_, i) => `tick ${i + 1}`))
  })

  it('picks the tail of a reconnect: what was shown plus what may have come, or everything when nothing was shown', () => {
    expect(reconnectTail(2, 2)).toBe(2 + RECONNECT_EXTRA_LINES)
    expect(reconnectTail(0, 2)).toBe(-1)
    expect(reconnectTail(0, -1)).toBe(-1)
    expect(reconnectTail(0, 0)).toBe(0)
  })

  it('backs off from a log stream that is accepted and closed at once, then gives up', async () => {
    const {lease, fake, key} = await setup({logs: [{name: 'web', message: 'one'}]})
    const delays: number[] = []
    const client = new ProviderClient({
      provider: PROVIDER,
      hostUri: fake.hostUri,
      certificates: fake.certificates,
      token: (scope) => leaseToken({key, provider: PROVIDER, dseq: 77n, scope, services: ['web']}),
      sleep: async (ms) => {
        delays.push(ms)
      },
    })
    const events: LogStreamEvent[] = []
    const run = (async () => {
      for await (const e of client.logs(lease, {follow: true, tail: -1, maxReconnects: 3})) {
        events.push(e)
        if (e.type === 'line') {
          fake.closeNewLogStreams = 1011
          fake.dropLogConnections()
        }
      }
    })()
    await expect(run).rejects.toMatchObject({code: 'provider_unreachable', message: expect.stringMatching(/keeps closing/)})
    // The first connection worked; three more were tried, each after a longer wait.
    expect(fake.logConnections).toHaveLength(4)
    expect(events.filter((e) => e.type === 'reconnecting').map((e) => (e as {delayMs: number}).delayMs)).toEqual([0, 250, 500])
    expect(delays).toEqual([250, 500])
  })

  it('runs a one-shot shell command and returns the remote exit code', async () => {
    const {client, lease, fake} = await setup()
    let out = ''
    let err = ''
    const ok = await client.shell(lease, {service: 'web', cmd: ['echo', 'hi'], tty: false, stdin: false, onStdout: (d) => (out += Buffer.from(d)), onStderr: () => {}})
    expect(await ok.done).toEqual({exitCode: 0})
    expect(out).toBe('hi\n')
    expect(Object.fromEntries(fake.shellCalls[0].query)).toEqual({cmd0: 'echo', cmd1: 'hi', tty: '0', stdin: '0', podIndex: '0', service: 'web'})
    const failing = await client.shell(lease, {service: 'web', cmd: ['sh', '-c', 'exit 7'], tty: false, stdin: false, onStdout: () => {}, onStderr: (d) => (err += Buffer.from(d))})
    expect(await failing.done).toEqual({exitCode: 7})
    expect(err).toBe('failing\n')
  })

  it('sends stdin and terminal resizes in an interactive shell', async () => {
    const {client, lease, fake} = await setup()
    let out = ''
    const session = await client.shell(lease, {service: 'web', cmd: ['cat'], tty: true, stdin: true, onStdout: (d) => (out += Buffer.from(d)), onStderr: () => {}})
    session.resize(120, 40)
    session.write('hello\n')
    session.write('EOF')
    expect(await session.done).toEqual({exitCode: 0})
    expect(out).toBe('hello\nEOF')
    expect(fake.shellCalls[0].resizes).toEqual([{width: 120, height: 40}])
    expect(fake.shellCalls[0].query.get('tty')).toBe('1')
  })

  it('reports a provider-side shell failure as a ProviderError', async () => {
    const {client, lease} = await setup()
    const session = await client.shell(lease, {service: 'web', cmd: ['nope'], tty: false, stdin: false, onStdout: () => {}, onStderr: () => {}})
    await expect(session.done).rejects.toMatchObject({code: 'provider_shell_failed'})
  })
})
