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

describe('networks', () => {
  it('has mainnet, sandbox, testnet and local built in, with uact deposits', () => {
    expect(Object.keys(BUILT_IN_NETWORKS)).toEqual(['mainnet', 'sandbox', 'testnet', 'local'])
    expect(BUILT_IN_NETWORKS.mainnet.chainId).toBe('akashnet-2')
    for (const n of Object.values(BUILT_IN_NETWORKS)) expect(n.depositDenom).toBe('uact')
  })

  it('gives each network a profile: policy follows the kind of network, not its name', () => {
    expect(BUILT_IN_NETWORKS.local.profile).toMatchObject({kind: 'dev', canMint: true, devKeys: true, onThisMachine: true})
    expect(BUILT_IN_NETWORKS.sandbox.profile).toMatchObject({kind: 'testnet', canMint: false, onThisMachine: false})
    expect(BUILT_IN_NETWORKS.mainnet.profile).toMatchObject({kind: 'mainnet', canMint: false, devKeys: false})
    const settings = memorySettings()
    const endpoints = {rpc: 'http://10.0.0.1:26657', grpc: 'http://10.0.0.1:9090', rest: 'http://10.0.0.1:1317'}
    // A context pointing at another machine's edge dev chain is a dev network too.
    expect(addNetwork(settings, {name: 'other-dev', chainId: 'edge-dev', ...endpoints}).profile.kind).toBe('dev')
    expect(addNetwork(settings, {name: 'node', chainId: 'akashnet-2', ...endpoints}).profile.kind).toBe('mainnet')
    expect(addNetwork(settings, {name: 'lab', chainId: 'lab-1', kind: 'testnet', ...endpoints}).profile.kind).toBe('testnet')
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

  it('adds and removes custom networks, refusing built-in names and bad URLs', () => {
    const settings = memorySettings()
    const input = {name: 'mine', chainId: 'c-1', rpc: 'http://10.0.0.1:26657/', grpc: 'http://10.0.0.1:9090', rest: 'http://10.0.0.1:1317'}
    expect(addNetwork(settings, input).rpc).toBe('http://10.0.0.1:26657')
    expect(() => addNetwork(settings, input)).toThrow(/already exists/)
    expect(() => addNetwork(settings, {...input, name: 'mainnet'})).toThrow(/built-in/)
    expect(() => addNetwork(settings, {...input, name: 'other', rpc: 'ftp://x'})).toThrow(/http or https/)
    useNetwork(settings, 'mine')
    expect(removeNetwork(settings, 'mine').selected).toBe('local')
    expect(listNetworks(settings).map((n) => n.name)).not.toContain('mine')
  })

  it('lets edge dev move the local endpoints', () => {
    const settings = memorySettings({networks: {local: {...BUILT_IN_NETWORKS.local, rpc: 'http://127.0.0.1:4000'}}})
    expect(resolveNetwork(settings, 'local').rpc).toBe('http://127.0.0.1:4000')
  })
})
