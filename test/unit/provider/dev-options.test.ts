import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/errors.js'
import {networkProfile} from '../../../src/config/networks.js'
import {parseDevOptions, underProvisioned, withDevOptions} from '../../../src/provider/dev/dev-options.js'
import {validateProviderConfig} from '../../../src/provider/config/provider-config.js'
import type {ManifestGroup} from '../../../src/provider/runtime/manifest-types.js'
import type {Runtime} from '../../../src/provider/runtime/types.js'

const group: ManifestGroup = {
  name: 'g',
  services: [{name: 'web', image: 'busybox', command: null, args: null, env: null, count: 1, expose: null, resources: {id: 1, cpu: {units: {val: '500'}}, memory: {size: {val: String(256 * 1024 * 1024)}}}}],
}

const bad = (field: string, why: string) => new Error(`${field} ${why}`)
const MAINNET = {name: 'mainnet', profile: networkProfile('mainnet')}
const LOCAL = {name: 'local', profile: networkProfile('dev')}

describe('provider.yaml dev.underProvision (a provider that lies, for edge verify)', () => {
  it('parses fractions and refuses anything else', () => {
    expect(parseDevOptions({underProvision: {cpu: 0.5, memory: 0.25}}, bad)).toEqual({underProvision: {cpu: 0.5, memory: 0.25}})
    expect(() => parseDevOptions({underProvision: {cpu: 2}}, bad)).toThrow(/dev.underProvision.cpu must be a fraction/)
    expect(() => parseDevOptions('yes', bad)).toThrow(/dev must be a mapping/)
    const config = validateProviderConfig({hostUri: 'https://127.0.0.1:8443', dev: {underProvision: {memory: 0.5}}})
    expect(config.dev).toEqual({underProvision: {memory: 0.5}})
  })

  it('gives the containers the fraction of what the lease pays for', () => {
    const s = underProvisioned(group, 0.5, 0.5).services[0]
    expect(s.resources.cpu.units.val).toBe('250')
    expect(s.resources.memory.size.val).toBe(String(128 * 1024 * 1024))
    // The lease's own manifest is not changed.
    expect(group.services[0].resources.cpu.units.val).toBe('500')
  })

  it('wraps the runtime only on edge dev, and refuses elsewhere', async () => {
    const deployed: ManifestGroup[] = []
    const runtime = {kind: 'docker', deploy: async (_l: unknown, g: ManifestGroup) => (deployed.push(g), {}), info: async () => ({})} as unknown as Runtime
    expect(withDevOptions(runtime, undefined, MAINNET)).toBe(runtime)
    expect(() => withDevOptions(runtime, {underProvision: {cpu: 0.5}}, MAINNET)).toThrow(UsageError)
    const lying = withDevOptions(runtime, {underProvision: {cpu: 0.5}}, LOCAL)
    await lying.deploy({owner: 'o', dseq: '1', gseq: 1, oseq: 1, provider: 'p'}, group)
    expect(deployed[0].services[0].resources.cpu.units.val).toBe('250')
    expect(deployed[0].services[0].resources.memory.size.val).toBe(String(256 * 1024 * 1024))
  })
})
