import {describe, expect, it} from 'vitest'

import {loadSdl, type SdlIssue} from '../../../src/sdl/index.js'
import {at, BASE, variant, withGpu} from '../../helpers/sdl-text.js'

/** Fields that only some providers serve are warnings (never errors), at the field, saying what it costs. */

function warning(text: string, code: string): SdlIssue {
  const result = loadSdl(text, {file: 'deploy.yaml'})
  expect(result.errors).toEqual([])
  expect(result.ok).toBe(true)
  const found = result.warnings.filter((w) => w.code === code)
  expect(found, JSON.stringify(result.warnings, null, 2)).toHaveLength(1)
  expect(found[0].severity).toBe('warning')
  return found[0]
}

const H100 = '          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n'

describe('provider capabilities', () => {
  it('params.tee', () => {
    const text = withGpu(H100, variant('          - global: true\n', '          - global: true\n    params:\n      tee: cpu-gpu\n'))
    const w = warning(text, 'needs-tee-provider')
    expect(w).toMatchObject({path: 'services.web.params.tee', ...at(text, 'tee: |cpu-gpu')})
    expect(w.message).toBe('params.tee needs a provider with tee/type attributes (confidential CPU and GPU); few providers offer it.')
  })

  it('GPU interconnect', () => {
    const text = variant('    akash:\n      pricing:', '    akash:\n      attributes:\n        capabilities/gpu-interconnect: true\n      pricing:', withGpu(`${H100}            interconnect: []\n`))
    const w = warning(text, 'needs-interconnect-provider')
    expect(w).toMatchObject({path: 'profiles.compute.web.resources.gpu.attributes.interconnect', ...at(text, 'interconnect: |[]')})
  })

  it('cpu arch, with advice that depends on the architecture', () => {
    const withArch = (arch: string) => variant('          units: 0.5\n', `          units: 0.5\n          attributes:\n            arch: ${arch}\n`)
    const arm = warning(withArch('arm64'), 'needs-arch-provider')
    expect(arm).toMatchObject({path: 'profiles.compute.web.resources.cpu.attributes.arch', ...at(withArch('arm64'), 'arch: |arm64')})
    expect(arm.hint).toMatch(/multi-arch image/)
    expect(warning(withArch('amd64'), 'needs-arch-provider').hint).toMatch(/^Nearly every provider runs amd64/)
  })

  it('reclamation, and a window mainnet refuses', () => {
    const text = `${BASE}reclamation:\n  min_window: 24h\n`
    expect(warning(text, 'needs-reclamation-provider')).toMatchObject({path: 'reclamation.min_window', ...at(text, 'min_window: |24h')})
    expect(loadSdl(text).warnings.map((w) => w.code)).not.toContain('reclamation-window-range')
    const short = `${BASE}reclamation:\n  min_window: 30s\n`
    expect(warning(short, 'reclamation-window-range').message).toBe(
      "reclamation.min_window is 30s, outside the 1h to 720h that Akash mainnet's market params allow; the chain there rejects the deployment.",
    )
    expect(warning(`${BASE}reclamation:\n  min_window: 721h\n`, 'reclamation-window-range').hint).toMatch(/between 1h and 720h/)
  })

  it('http_options.proxy, which providers older than the field refuse at manifest upload', () => {
    const text = variant('          - global: true\n', '          - global: true\n        http_options:\n          proxy:\n            buffer_size: 8192\n')
    const w = warning(text, 'needs-proxy-provider')
    expect(w).toMatchObject({path: 'services.web.expose[0].http_options.proxy', ...at(text, '          |proxy:')})
    expect(w.message).toMatch(/refuses the manifest after the lease is made/)
  })

  it('nothing for an SDL that uses none of them, nor for profiles no deployment uses', () => {
    expect(loadSdl(BASE).warnings).toEqual([])
    const unused = variant('profiles:\n  compute:\n', 'profiles:\n  compute:\n    spare:\n      resources:\n        cpu:\n          units: 1\n          attributes:\n            arch: arm64\n        memory:\n          size: 1Gi\n        storage:\n          size: 1Gi\n')
    expect(loadSdl(unused).warnings.map((w) => w.code)).toEqual(['profile-unused'])
  })
})
