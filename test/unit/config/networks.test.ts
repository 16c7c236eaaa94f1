import {describe, expect, it} from 'vitest'

import {BUILT_IN_NETWORKS, listNetworks, resolveNetwork} from '../../../src/config/networks.js'
import type {Settings, SettingsShape} from '../../../src/config/settings.js'
import {addNetwork, removeNetwork, useNetwork} from '../../../src/services/network.js'

function memorySettings(initial: SettingsShape = {}): Settings {
  const data: SettingsShape = {...initial}
  return {
    get: (k) => data[k],
    set: (k, v) => {
      data[k] = v as never
    },
    delete: (k) => {
      delete data[k]
    },
    path: ':memory:',
  }
}

/** These networks point at nothing: do not ask a node for its chain id. */
const NO_CHECK = {check: false}

describe('networks', () => {
  it('has mainnet, sandbox, testnet and local built in, with uact deposits', () => {
    expect(Object.keys(BUILT_IN_NETWORKS)).toEqual(['mainnet', 'sandbox', 'testnet', 'local'])
    expect(BUILT_IN_NETWORKS.mainnet.chainId).toBe('akashnet-2')
    for (const n of Object.values(BUILT_IN_NETWORKS)) expect(n.depositDenom).toBe('uact')
  })

  it('gives each network a profile: policy follows the kind of network, not its name', async () => {
    expect(BUILT_IN_NETWORKS.local.profile).toMatchObject({kind: 'dev', canMint: true, devKeys: true, onThisMachine: true})
    expect(BUILT_IN_NETWORKS.sandbox.profile).toMatchObject({kind: 'testnet', canMint: false, onThisMachine: false})
    expect(BUILT_IN_NETWORKS.mainnet.profile).toMatchObject({kind: 'mainnet', canMint: false, devKeys: false})
    const settings = memorySettings()
    const endpoints = {rpc: 'http://10.0.0.1:26657', grpc: 'http://10.0.0.1:9090', rest: 'http://10.0.0.1:1317'}
    // A context pointing at another machine's edge dev chain is a dev network too.
    expect((await addNetwork(settings, {name: 'other-dev', chainId: 'edge-dev', ...endpoints}, NO_CHECK)).profile.kind).toBe('dev')
    expect((await addNetwork(settings, {name: 'node', chainId: 'akashnet-2', ...endpoints}, NO_CHECK)).profile.kind).toBe('mainnet')
    expect((await addNetwork(settings, {name: 'lab', chainId: 'lab-1', kind: 'testnet', ...endpoints}, NO_CHECK)).profile.kind).toBe('testnet')
    expect(resolveNetwork(settings, 'lab').profile).toMatchObject({kind: 'testnet', queryTimeoutMs: 15000})
    // The profile is derived, never stored.
    expect(settings.get('networks')?.lab).toMatchObject({kind: 'testnet'})
    expect(settings.get('networks')?.lab).not.toHaveProperty('profile')
  })

  it('resolves flag > selected > local', () => {
    const settings = memorySettings()
    expect(resolveNetwork(settings).name).toBe('local')
    useNetwork(settings, 'sandbox')
    expect(resolveNetwork(settings).name).toBe('sandbox')
    expect(resolveNetwork(settings, 'mainnet').name).toBe('mainnet')
    expect(() => resolveNetwork(settings, 'nowhere')).toThrow(/Unknown network "nowhere"/)
  })

  it('adds and removes custom networks, refusing built-in names and bad URLs', async () => {
    const settings = memorySettings()
    const input = {name: 'mine', chainId: 'c-1', rpc: 'http://10.0.0.1:26657/', grpc: 'http://10.0.0.1:9090', rest: 'http://10.0.0.1:1317'}
    expect((await addNetwork(settings, input, NO_CHECK)).rpc).toBe('http://10.0.0.1:26657')
    await expect(addNetwork(settings, input, NO_CHECK)).rejects.toThrow(/already exists/)
    await expect(addNetwork(settings, {...input, name: 'mainnet'}, NO_CHECK)).rejects.toThrow(/built-in/)
    await expect(addNetwork(settings, {...input, name: 'other', rpc: 'ftp://x'}, NO_CHECK)).rejects.toThrow(/http or https/)
    useNetwork(settings, 'mine')
    expect(removeNetwork(settings, 'mine').selected).toBe('local')
    expect(listNetworks(settings).map((n) => n.name)).not.toContain('mine')
  })

  it('checks the chain id against the node before saving, and says when they differ (D24)', async () => {
    const settings = memorySettings()
    const input = {name: 'wrongid', chainId: 'akashnet-2', rpc: 'http://127.0.0.1:36657', grpc: 'http://127.0.0.1:39090', rest: 'http://127.0.0.1:31317'}
    const asked: string[] = []
    const readChainId = async (n: {rpc: string}) => (asked.push(n.rpc), 'edge-dev')
    await expect(addNetwork(settings, input, {readChainId})).rejects.toMatchObject({
      code: 'chain_id_mismatch',
      exitCode: 2,
      message: 'The node at http://127.0.0.1:36657 is on chain "edge-dev", not "akashnet-2".',
      hint: expect.stringContaining('--chain-id edge-dev'),
    })
    expect(asked).toEqual(['http://127.0.0.1:36657'])
    expect(settings.get('networks')?.wrongid).toBeUndefined()
    expect((await addNetwork(settings, {...input, chainId: 'edge-dev'}, {readChainId})).chainId).toBe('edge-dev')
    // A node that does not answer now is no reason to refuse: the network is saved, with a warning.
    const warnings: string[] = []
    const offline = async () => {
      throw new Error('connect ECONNREFUSED')
    }
    await addNetwork(settings, {...input, name: 'later'}, {readChainId: offline, warn: (m) => warnings.push(m)})
    expect(settings.get('networks')?.later).toBeDefined()
    expect(warnings[0]).toMatch(/^Could not ask http:\/\/127\.0\.0\.1:36657 for its chain id \(connect ECONNREFUSED\)/)
  })

  it('lets edge dev move the local endpoints', () => {
    const settings = memorySettings({networks: {local: {...BUILT_IN_NETWORKS.local, rpc: 'http://127.0.0.1:4000'}}})
    expect(resolveNetwork(settings, 'local').rpc).toBe('http://127.0.0.1:4000')
  })
})
