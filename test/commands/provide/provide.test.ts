import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {BUILT_IN_NETWORKS} from '../../../src/config/networks.js'
import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {openSettings} from '../../../src/config/settings.js'
import {type Devnet, startDevnet} from '../../../src/devnet/index.js'
import {edgeInProcessExact} from '../in-process.js'

const root = resolve(import.meta.dirname, '../../..')
let dir: string
let devnet: Devnet

async function edge(...args: string[]): Promise<{stdout: string; error?: Error & {oclif?: {exit?: number}}; json?: any}> {
  const {stdout, error} = await runCommand(args, {root})
  let json
  try {
    json = JSON.parse(stdout)
  } catch {
    json = undefined
  }
  process.exitCode = undefined
  return {stdout, error: error as never, json}
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-provide-cmd-'))
  devnet = await startDevnet({dataDir: join(dir, 'devnet'), ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 200})
  Object.assign(process.env, {EDGE_CONFIG_DIR: join(dir, 'config'), EDGE_DATA_DIR: join(dir, 'data')})
  for (const k of ['EDGE_MNEMONIC', 'EDGE_PASSPHRASE', 'CI', 'EDGE_NETWORK']) delete process.env[k]
  const settings = await openSettings()
  const {name: _n, builtIn: _b, ...local} = {...BUILT_IN_NETWORKS.local, ...devnet.endpoints, blockTimeMs: 200}
  settings.set('networks', {local})
  settings.set('network', 'local')
}, 60_000)

afterAll(async () => {
  await devnet?.stop()
  for (const k of ['EDGE_CONFIG_DIR', 'EDGE_DATA_DIR', 'EDGE_MNEMONIC']) delete process.env[k]
  rmSync(dir, {recursive: true, force: true})
})

describe('edge provide init / status / withdraw (in-process, real edge dev)', () => {
  it('status before init says how to start (exit 2)', async () => {
    const {error, json} = await edge('provide', 'status', '--json')
    expect(error?.oclif?.exit).toBe(2)
    expect(json.error).toMatchObject({code: 'provider_not_initialised', hint: expect.stringContaining('edge provide init')})
  })

  it('init writes the config (0600), creates the provider key, funds it on edge dev and registers it', async () => {
    const {error, json} = await edge(
      'provide', 'init', '--json', '--host-uri', 'https://127.0.0.1:18443', '--region', 'us-west', '--runtime', 'process',
      '--price-cpu', '0.02', '--price-gpu', 'h100=2.5', '--attribute', 'organization=acme',
    )
    expect(error).toBeUndefined()
    const r = json.result
    expect(r).toMatchObject({name: 'default', network: 'local', key: 'provider-default', keyCreated: true, runtime: 'process', funded: true, registration: {action: 'created'}})
    expect(r.pricing).toMatchObject({cpuCoreHour: '0.02', gpuHour: {h100: '2.5'}})
    expect(Object.fromEntries(r.attributes.map((a: {key: string; value: string}) => [a.key, a.value]))).toMatchObject({
      host: 'akash',
      tier: 'community',
      region: 'us-west',
      organization: 'acme',
      'capabilities/memory': 'true',
    })
    expect(statSync(r.configPath).mode & 0o777).toBe(0o600)
    const text = readFileSync(r.configPath, 'utf8')
    expect(text).toContain('hostUri: https://127.0.0.1:18443')
    expect(text).not.toMatch(/mnemonic/i)
  })

  it('init again changes nothing on chain; a new region updates the record', async () => {
    expect((await edge('provide', 'init', '--json')).json.result.registration.action).toBe('unchanged')
    const changed = await edge('provide', 'init', '--json', '--region', 'eu-central')
    expect(changed.json.result.registration.action).toBe('updated')
    expect(changed.json.result.hostUri).toBe('https://127.0.0.1:18443')
  })

  it('status shows the registration, capacity and earnings', async () => {
    const {error, json} = await edge('provide', 'status', '--json')
    expect(error).toBeUndefined()
    expect(json.result).toMatchObject({
      name: 'default',
      network: 'local',
      running: false,
      registration: {registered: true, hostUri: 'https://127.0.0.1:18443', attributesMatch: true},
      bids: {},
      leases: [],
      earnings: {usdPerHour: '$0.00'},
    })
    expect(json.result.capacity.total.cpuMillis).toBeGreaterThan(0)
    // The figures of provider.yaml, as init gives them: ephemeral storage, and each persistent class apart (D21).
    const {capacity} = parse(readFileSync(join(dir, 'data', 'provider', 'default', 'provider.yaml'), 'utf8'))
    expect(json.result.capacity.total.storageBytes).toBe(capacity.storageBytes)
    expect(json.result.capacity.total.persistentBytes).toEqual(Object.fromEntries(capacity.storageClasses.map((c: {class: string; bytes: string}) => [c.class, c.bytes])))
    expect(json.result.capacity.reserved).toMatchObject({storageBytes: '0', persistentBytes: {}})
  })

  it('init and status text give the same storage figures (D21); balances and USD as everywhere else (D39)', async () => {
    const init = await edge('provide', 'init')
    const status = await edge('provide', 'status')
    expect(init.error).toBeUndefined()
    expect(status.error).toBeUndefined()
    const offered = /offers:\s+.* ([\d.]+ [KMGT]iB) storage, ([\d.]+ [KMGT]iB) beta2 \(persistent\)/.exec(init.stdout)
    expect(offered, init.stdout).not.toBeNull()
    expect(status.stdout).toMatch(new RegExp(`storage:\\s+0 B of ${offered![1]} held; beta2 \\(persistent\\) 0 B of ${offered![2]} held`))
    // "1,000.5 AKT": the shared coin formatter, never a raw "1000500000 uakt".
    const balances = /balances:\s+(.*)/.exec(status.stdout)![1]
    expect(balances).toMatch(/^[\d,]+(\.\d+)? (AKT|ACT)/)
    expect(balances).not.toMatch(/\bu(akt|act)\b/)
  })

  it('withdraw with no leases withdraws nothing', async () => {
    const {error, json} = await edge('provide', 'withdraw', '--json')
    expect(error).toBeUndefined()
    expect(json.result).toMatchObject({leases: [], failed: [], withdrawn: '0'})
  })

  it('start refuses a network the provider was not set up for', async () => {
    const {error, json} = await edge('provide', 'start', '--network', 'mainnet', '--json')
    expect(error?.oclif?.exit).toBe(2)
    expect(json.error.message).toMatch(/serves the local network/)
  })

  it('start and withdraw refuse a key other than the provider\'s, before touching its state (exit 2)', async () => {
    const stateDb = join(dir, 'data', 'provider', 'default', 'state.db')
    expect(existsSync(stateDb)).toBe(false)
    process.env.EDGE_MNEMONIC = generateMnemonic(24)
    try {
      const other = (await deriveKey(process.env.EDGE_MNEMONIC)).address
      for (const command of ['start', 'withdraw']) {
        const {error, json} = await edge('provide', command, '--json')
        expect(error?.oclif?.exit, command).toBe(2)
        expect(json.error, command).toMatchObject({
          code: 'provider_key_mismatch',
          message: expect.stringContaining(`signs as ${other}`),
          hint: expect.stringContaining('key "provider-default" (unset EDGE_MNEMONIC'),
        })
      }
    } finally {
      delete process.env.EDGE_MNEMONIC
    }
    // Another address would have found none of the provider's leases on chain and closed them here.
    expect(existsSync(stateDb)).toBe(false)
  }, 30_000)

  it('init with EDGE_MNEMONIC records the address that signs, not a keystore key\'s', async () => {
    process.env.EDGE_MNEMONIC = generateMnemonic(24)
    try {
      const signer = (await deriveKey(process.env.EDGE_MNEMONIC)).address
      const {error, json} = await edge('provide', 'init', '--name', 'from-env', '--host-uri', 'https://127.0.0.1:18444', '--runtime', 'process', '--no-register', '--json')
      expect(error).toBeUndefined()
      expect(json.result.address).toBe(signer)
      expect(readFileSync(json.result.configPath, 'utf8')).toContain(`address: ${signer}`)
    } finally {
      delete process.env.EDGE_MNEMONIC
    }
  })

  it('refuses the process runtime and a missing host URI on a real network (exit 2)', async () => {
    process.env.EDGE_MNEMONIC = generateMnemonic(24)
    try {
      const process1 = await edge('provide', 'init', '--name', 'mainnet-box', '--network', 'mainnet', '--runtime', 'process', '--host-uri', 'https://p.example.com:8443', '--no-register', '--json')
      expect(process1.error?.oclif?.exit).toBe(2)
      expect(process1.json.error.message).toMatch(/process runtime/)
      const noHost = await edge('provide', 'init', '--name', 'mainnet-box', '--network', 'mainnet', '--no-register', '--json')
      expect(noHost.error?.oclif?.exit).toBe(2)
      expect(noHost.json.error.message).toMatch(/--host-uri/)
      const ok = await edge('provide', 'init', '--name', 'mainnet-box', '--network', 'mainnet', '--host-uri', 'https://p.example.com:8443', '--runtime', 'docker', '--no-register', '--json')
      expect(ok.error).toBeUndefined()
      expect(ok.json.result).toMatchObject({network: 'mainnet', registration: {action: 'skipped'}, hostUri: 'https://p.example.com:8443'})
    } finally {
      delete process.env.EDGE_MNEMONIC
    }
  })

  it('init names the flag that is wrong: --cpu, --deposit, --ingress-listen (exit 2)', async () => {
    for (const [flag, value] of [['--cpu', 'lots'], ['--deposit', 'half'], ['--ingress-listen', 'localhost']]) {
      const {error, json} = await edge('provide', 'init', '--name', 'badflag', '--host-uri', 'https://127.0.0.1:18445', '--runtime', 'process', '--no-register', flag, value, '--json')
      expect(error?.oclif?.exit, `${flag} ${JSON.stringify(json)}`).toBe(2)
      expect(json.error.message, flag).toContain(`${flag} "${value}"`)
      expect(json.error.hint, flag).toBeTruthy()
    }
  })

  it('refuses a host URI that is not https', async () => {
    const {error, json} = await edge('provide', 'init', '--name', 'plain', '--host-uri', 'http://127.0.0.1:80', '--no-register', '--json')
    expect(error?.oclif?.exit).toBe(2)
    expect(json.error.message).toMatch(/https/)
  })

  it('never registers an attribute or host URI holding a control character, from a flag or from provider.yaml (D2)', async () => {
    const base = ['provide', 'init', '--name', 'ctl', '--runtime', 'process', '--json']
    for (const [flag, value, named] of [
      ['--region', 'eu-west\r', 'carriage return'],
      ['--attribute', 'organization=acme\t', 'tab'],
      ['--host-uri', 'https://127.0.0.1:18446\r', 'carriage return'],
    ]) {
      const args = flag === '--host-uri' ? [...base, flag, value] : [...base, '--host-uri', 'https://127.0.0.1:18446', flag, value]
      const {error, json} = await edgeInProcessExact(args)
      expect(error?.oclif?.exit, flag).toBe(2)
      expect(json.error.message, flag).toContain(named)
      expect(existsSync(join(dir, 'data', 'provider', 'ctl', 'provider.yaml')), flag).toBe(false)
    }

    // A provider.yaml written by an edge that kept the CR of a pasted answer, or edited by hand.
    const ok = await edge(...base, '--host-uri', 'https://127.0.0.1:18446', '--region', 'eu-west', '--no-register')
    expect(ok.error).toBeUndefined()
    const file = ok.json.result.configPath
    writeFileSync(file, readFileSync(file, 'utf8').replace('region: eu-west', 'region: "eu-west\\r"'))
    expect(parse(readFileSync(file, 'utf8')).attributes.region).toBe('eu-west\r')
    for (const command of [['provide', 'init', '--name', 'ctl', '--json'], ['provide', 'start', '--name', 'ctl', '--json']]) {
      const {error, json} = await edge(...command)
      expect(error?.oclif?.exit, command[1]).toBe(2)
      expect(json.error, command[1]).toMatchObject({code: 'bad_provider_field', message: expect.stringContaining('"region" holds a carriage return')})
      expect(json.error.hint, command[1]).toContain(file)
    }
    const {AkashMarket} = await import('../../../src/market/akash/akash-market.js')
    const market = await AkashMarket.open({...BUILT_IN_NETWORKS.local, ...devnet.endpoints, blockTimeMs: 200})
    try {
      expect(await market.provider(ok.json.result.address)).toBeUndefined()
    } finally {
      await market.close()
    }
    // Naming the region again replaces the bad value.
    const fixed = await edge('provide', 'init', '--name', 'ctl', '--region', 'eu-west', '--no-register', '--json')
    expect(fixed.error).toBeUndefined()
    expect(parse(readFileSync(file, 'utf8')).attributes.region).toBe('eu-west')
  })
})
