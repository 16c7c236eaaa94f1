import {describe, expect, it} from 'vitest'

import {loadSdl, type SdlIssue} from '../../../src/sdl/index.js'
import {BASE, variant} from '../../helpers/sdl-text.js'

function warnings(text: string, options = {}): SdlIssue[] {
  const result = loadSdl(text, {file: 'deploy.yaml', ...options})
  expect(result.errors).toEqual([])
  return result.warnings
}

function only(list: SdlIssue[], code: string): SdlIssue {
  const found = list.filter((w) => w.code === code)
  expect(found, JSON.stringify(list, null, 2)).toHaveLength(1)
  return found[0]
}

describe('lint', () => {
  it('finds nothing wrong with the base SDL', () => {
    expect(warnings(BASE)).toEqual([])
  })

  it('warns about an untagged image, at the image', () => {
    const w = only(warnings(variant('image: nginx:1.27', 'image: nginx')), 'image-untagged')
    expect(w).toMatchObject({severity: 'warning', path: 'services.web.image', line: 4, column: 12, file: 'deploy.yaml'})
    expect(w.hint).toContain('nginx:<version>')
  })

  it('warns about :latest but not about digests or registry ports', () => {
    only(warnings(variant('image: nginx:1.27', 'image: ghcr.io/acme/app:latest')), 'image-latest')
    expect(warnings(variant('image: nginx:1.27', `image: nginx@sha256:${'a'.repeat(64)}`))).toEqual([])
    expect(warnings(variant('image: nginx:1.27', 'image: registry.local:5000/app:2.1'))).toEqual([])
    only(warnings(variant('image: nginx:1.27', 'image: registry.local:5000/app')), 'image-untagged')
  })

  it('warns about uakt pricing where the network wants uact, with the replacement YAML', () => {
    const w = only(warnings(variant('denom: uact', 'denom: uakt')), 'denom-uakt')
    expect(w).toMatchObject({path: 'profiles.placement.akash.pricing.web.denom', line: 24, column: 18})
    expect(w.fix).toEqual({description: 'Price in uact', path: 'profiles.placement.akash.pricing.web', yaml: 'denom: uact\namount: 1000\n'})
    expect(w.hint).toMatch(/ACT/)
  })

  it('follows the network denom it is given', () => {
    expect(warnings(variant('denom: uact', 'denom: uakt'), {denom: 'uakt'})).toEqual([])
    only(warnings(BASE, {denom: 'uakt'}), 'denom-mismatch')
  })

  it('warns about a deployed service with no ports', () => {
    const text = variant('profiles:', '  worker:\n    image: busybox:1.36\n    command: ["sleep", "infinity"]\nprofiles:').replace(
      '      count: 1\n',
      '      count: 1\n  worker:\n    akash:\n      profile: web\n      count: 1\n',
    )
    const w = only(warnings(text), 'no-expose')
    expect(w).toMatchObject({path: 'services.worker', line: 10, column: 3})
    expect(w.hint).toMatch(/batch job/)
  })

  it('warns about a GPU without a model, and about capitalised models', () => {
    const gpu = (models: string) =>
      variant('        storage:\n          size: 1Gi', `        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:${models}\n        storage:\n          size: 1Gi`)
    const w = only(warnings(gpu('')), 'gpu-no-model')
    expect(w.path).toBe('profiles.compute.web.resources.gpu.attributes')
    expect(w.hint).toMatch(/model/)
    only(warnings(gpu('\n                - model: H100')), 'gpu-model-case')
    expect(warnings(gpu('\n                - model: h100\n                  ram: 80Gi'))).toEqual([])
  })

  it('warns about a service that is never deployed and profiles nobody uses', () => {
    const text = variant('profiles:', '  extra:\n    image: redis:7.2\nprofiles:').replace(
      '  placement:',
      '    big:\n      resources:\n        cpu:\n          units: 4\n        memory:\n          size: 8Gi\n        storage:\n          size: 10Gi\n  placement:',
    )
    const list = warnings(text)
    expect(only(list, 'service-not-deployed').path).toBe('services.extra')
    expect(only(list, 'profile-unused').path).toBe('profiles.compute.big')
  })

  it('warns when a web port is exposed without as: 80, and when accept hostnames cannot apply', () => {
    only(warnings(variant('      - port: 80\n        as: 80', '      - port: 8080')), 'expose-random-port')
    only(warnings(variant('        as: 80\n', '        as: 8443\n        accept:\n          - app.example.com\n')), 'accept-ignored')
  })

  it('warns about duplicated env variables and entries without "="', () => {
    const list = warnings(variant('    expose:', '    env:\n      - A=1\n      - A=2\n      - TOKEN\n    expose:'))
    expect(only(list, 'duplicate-env')).toMatchObject({path: 'services.web.env[1]', line: 7, column: 9})
    expect(only(list, 'env-without-value')).toMatchObject({path: 'services.web.env[2]', line: 8, column: 9})
  })

  it('a persistent volume nobody mounts: chain-sdk rejects it, the 2.1 Go parser accepts it (a warning under Go rules)', () => {
    const text = variant(
      '        storage:\n          size: 1Gi',
      '        storage:\n          - size: 1Gi\n          - name: data\n            size: 10Gi\n            attributes:\n              class: beta3\n              persistent: true',
    ).replace('2.0', '2.1')
    const strict = loadSdl(text, {file: 'deploy.yaml'})
    expect(strict.errors).toEqual([expect.objectContaining({code: 'persistent-without-mount', path: 'services.web', line: 3, column: 3})])
    expect(only(warnings(text, {rules: 'go'}), 'persistent-without-mount').hint).toMatch(/^Add params: \{storage: \{data: \{mount: \/data\}\}\} to services\.web/)
  })

  it('an unnamed volume mounted as "default": Go finds it, chain-sdk does not', () => {
    const text = variant(
      '          - global: true\n',
      '          - global: true\n    params:\n      storage:\n        default:\n          mount: /data\n',
      variant('          size: 1Gi', '          size: 1Gi\n          attributes:\n            class: beta2\n            persistent: true'),
    )
    const strict = loadSdl(text, {file: 'deploy.yaml'})
    expect(strict.errors).toEqual([expect.objectContaining({code: 'unnamed-volume', path: 'services.web.params.storage.default', line: 12, column: 9})])
    expect(strict.errors[0].hint).toBe('Add name: default to that volume under profiles.compute.web.resources.storage.')
    only(warnings(text, {rules: 'go'}), 'unnamed-volume')
    expect(loadSdl(text.replace('        storage:\n          size: 1Gi', '        storage:\n          name: default\n          size: 1Gi')).errors).toEqual([])
  })

  it('warns that include is ignored', () => {
    expect(only(warnings(`${BASE}include:\n  - other.yaml\n`), 'include-ignored')).toMatchObject({path: 'include', line: 31, column: 1})
  })
})
