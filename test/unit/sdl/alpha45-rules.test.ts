import {describe, expect, it} from 'vitest'

import {
  deploymentInput,
  deploymentReclamation,
  groupSpecsJson,
  loadSdl,
  loadSdlOrThrow,
  manifestVersion,
  renderManifest,
  type SdlIssue,
} from '../../../src/sdl/index.js'
import {at, BASE, variant, withGpu} from '../../helpers/sdl-text.js'

/** chain-sdk 1.0.0-alpha.45's schema additions, one rule at a time, valid and invalid, with where the problem is. */

function errorOf(text: string, code: string, options = {}): SdlIssue {
  const result = loadSdl(text, {file: 'deploy.yaml', ...options})
  const found = result.errors.filter((e) => e.code === code)
  expect(found, JSON.stringify(result.errors, null, 2)).toHaveLength(1)
  expect(result.ok).toBe(false)
  return found[0]
}

function warningOf(text: string, code: string, options = {}): SdlIssue {
  const result = loadSdl(text, {file: 'deploy.yaml', ...options})
  expect(result.errors).toEqual([])
  const found = result.warnings.filter((w) => w.code === code)
  expect(found, JSON.stringify(result.warnings, null, 2)).toHaveLength(1)
  return found[0]
}

const withReclamation = (window: string) => `${BASE}reclamation:\n  min_window: ${window}\n`
const H100 = '          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n'

describe('reclamation.min_window (deployment level)', () => {
  it('reads "24h" into a typed field and the MsgCreateDeployment reclamation chain-sdk builds', () => {
    const sdl = loadSdlOrThrow(withReclamation('24h'))
    expect(sdl.reclamation).toEqual({minWindow: '24h', seconds: 86400})
    expect(deploymentReclamation(sdl)).toEqual({minWindow: {seconds: 86400n, nanos: 0}})
    expect(deploymentInput(sdl)).toMatchObject({reclamation: {minWindow: {seconds: 86400n, nanos: 0}}, hash: manifestVersion(sdl).bytes})
  })

  it('is not part of the manifest: the hash is the same with or without it', () => {
    expect(manifestVersion(loadSdlOrThrow(withReclamation('90m'))).hex).toBe(manifestVersion(loadSdlOrThrow(BASE)).hex)
    const none = loadSdlOrThrow(BASE)
    expect(none.reclamation).toBeUndefined()
    expect(deploymentInput(none)).not.toHaveProperty('reclamation')
  })

  it('refuses a compound window under strict rules with the equivalent, and warns under Go rules', () => {
    const text = withReclamation('1h30m')
    const e = errorOf(text, 'bad-window')
    expect(e).toMatchObject({path: 'reclamation.min_window', ...at(text, 'min_window: |1h30m')})
    expect(e.hint).toContain('"90m"')
    const w = warningOf(text, 'bad-window', {rules: 'go'})
    expect(w.hint).toContain("Go parser accepts it")
    expect(loadSdl(text, {rules: 'go'}).sdl?.reclamation?.seconds).toBe(5400)
  })

  it('refuses zero and words, suggesting the duration that was meant', () => {
    expect(errorOf(withReclamation('0s'), 'bad-window').message).toBe('reclamation.min_window is "0s", which is not a positive duration.')
    const text = withReclamation('24 hours')
    const e = errorOf(text, 'bad-window', {rules: 'go'})
    expect(e).toMatchObject(at(text, 'min_window: |24 hours'))
    expect(e.hint).toMatch(/^Did you mean "24h"\?/)
  })

  it('lives at the top level only, as the schema places it', () => {
    const text = variant('    image: nginx:1.27\n', '    image: nginx:1.27\n    reclamation:\n      min_window: 24h\n')
    expect(errorOf(text, 'unknown-field')).toMatchObject({path: 'services.web.reclamation', ...at(text, '    |reclamation:')})
  })
})

describe('params.tee', () => {
  const withTee = (tee: string, base = BASE) => variant('          - global: true\n', `          - global: true\n    params:\n      tee: ${tee}\n`, base)

  it('cpu: projected to the placement requirement tee/type and the manifest params.tee', () => {
    const sdl = loadSdlOrThrow(withTee('cpu'))
    expect(groupSpecsJson(sdl)[0].requirements.attributes).toEqual([{key: 'tee/type', value: 'cpu'}])
    expect(renderManifest(sdl)[0].services[0].params).toEqual({storage: null, tee: {type: 'cpu', attestation: true}})
  })

  it('cpu-gpu needs a GPU in the service profile', () => {
    const text = withTee('cpu-gpu')
    const e = errorOf(text, 'tee-needs-gpu')
    expect(e).toMatchObject({path: 'services.web.params.tee', ...at(text, 'tee: |cpu-gpu')})
    expect(loadSdl(withTee('cpu-gpu', withGpu(H100))).errors).toEqual([])
  })

  it('refuses another value, suggesting the near one', () => {
    const text = withTee('cpu_gpu')
    const e = errorOf(text, 'bad-value')
    expect(e).toMatchObject({path: 'services.web.params.tee', ...at(text, 'tee: |cpu_gpu')})
    expect(e.hint).toBe('Use tee: cpu (confidential CPU) or tee: cpu-gpu (confidential CPU and GPU).')
    expect(errorOf(withTee('sgx'), 'bad-value').message).toBe('services.web.params.tee is "sgx", which is not one of: cpu, cpu-gpu.')
  })

  it('one kind per placement group', () => {
    const two = withTee('cpu')
      .replace('profiles:', '  api:\n    image: nginx:1.27\n    expose:\n      - port: 80\n        to:\n          - service: web\n    params:\n      tee: cpu-gpu\nprofiles:')
      .replace('      count: 1\n', '      count: 1\n  api:\n    akash:\n      profile: web\n      count: 1\n')
    const text = withGpu(H100, two)
    expect(errorOf(text, 'tee-conflict')).toMatchObject({path: 'services.web.params.tee', message: 'Placement "akash" mixes tee: cpu-gpu and tee: cpu.'})
  })
})

describe('GPU interconnect', () => {
  const placementWith = (attrs: string, text: string) => variant('    akash:\n      pricing:', `    akash:\n      attributes:\n${attrs}      pricing:`, text)
  const capable = (gpu: string) => placementWith('        capabilities/gpu-interconnect: true\n', withGpu(gpu))
  const ic = (value: string) => `${H100}            interconnect: ${value}\n`

  it('[] joins the implicit group "auto": GPU attribute interconnect/group and manifest interconnectGroup', () => {
    const sdl = loadSdlOrThrow(capable(ic('[]')))
    const [group] = groupSpecsJson(sdl)
    expect(group.requirements.attributes).toEqual([{key: 'capabilities/gpu-interconnect', value: 'true'}])
    expect(group.resources[0].resource.gpu.attributes).toEqual([
      {key: 'interconnect/group', value: 'auto'},
      {key: 'vendor/nvidia/model/h100', value: 'true'},
    ])
    expect(renderManifest(sdl)[0].services[0].interconnectGroup).toBe('auto')
  })

  it('{group: <name>} names the group', () => {
    const sdl = loadSdlOrThrow(capable(`${H100}            interconnect:\n              group: train\n`))
    expect(renderManifest(sdl)[0].services[0].interconnectGroup).toBe('train')
    expect(groupSpecsJson(sdl)[0].resources[0].resource.gpu.attributes).toContainEqual({key: 'interconnect/group', value: 'train'})
  })

  it('refuses the bare true of earlier drafts, with the [] fix', () => {
    const text = capable(ic('true'))
    const e = errorOf(text, 'bad-interconnect')
    expect(e).toMatchObject({path: 'profiles.compute.web.resources.gpu.attributes.interconnect', ...at(text, 'interconnect: |true')})
    expect(e.message).toBe('profiles.compute.web.resources.gpu.attributes.interconnect is true; a bare value (including true) is no longer accepted.')
    expect(e.fix).toEqual({description: "Join the placement's shared interconnect group", path: 'profiles.compute.web.resources.gpu.attributes.interconnect', yaml: '[]\n'})
  })

  it('refuses a list with entries, the reserved name auto, and an empty name', () => {
    const list = capable(ic('[ib]'))
    expect(errorOf(list, 'bad-interconnect')).toMatchObject(at(list, 'interconnect: |[ib]'))
    const auto = capable(ic('{group: auto}'))
    expect(errorOf(auto, 'interconnect-group-reserved')).toMatchObject({path: 'profiles.compute.web.resources.gpu.attributes.interconnect.group', ...at(auto, '{group: |auto}')})
    expect(errorOf(capable(ic('{group: ""}')), 'too-short').path).toBe('profiles.compute.web.resources.gpu.attributes.interconnect.group')
    expect(errorOf(capable(ic('{}')), 'missing-field').path).toBe('profiles.compute.web.resources.gpu.attributes.interconnect.group')
  })

  it('an unknown key next to group: an error for the schema, a warning under Go rules', () => {
    const text = capable(ic('{group: a, fabric: ib}'))
    expect(errorOf(text, 'unknown-field')).toMatchObject({path: 'profiles.compute.web.resources.gpu.attributes.interconnect.fabric', ...at(text, ', |fabric')})
    warningOf(text, 'unknown-field', {rules: 'go'})
  })

  it('needs GPUs: interconnect with units 0 is refused', () => {
    const text = placementWith('        capabilities/gpu-interconnect: true\n', withGpu('          units: 0\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n            interconnect: []\n'))
    expect(errorOf(text, 'gpu-attributes-without-units').path).toBe('profiles.compute.web.resources.gpu.units')
  })

  it('the placement must require capabilities/gpu-interconnect: true, with the attributes to add', () => {
    const bare = withGpu(ic('[]'))
    const e = errorOf(bare, 'interconnect-needs-capability')
    expect(e).toMatchObject({path: 'profiles.placement.akash', ...at(bare, '    |akash:\n      pricing')})
    expect(e.message).toBe('Service "web" uses the GPU interconnect of profile "web" in placement "akash", but the placement does not require capabilities/gpu-interconnect: true.')
    expect(e.fix).toEqual({description: 'Require capabilities/gpu-interconnect in placement "akash"', path: 'profiles.placement.akash.attributes', yaml: 'capabilities/gpu-interconnect: true\n'})

    const regional = placementWith('        region: us-west\n', withGpu(ic('[]')))
    const r = errorOf(regional, 'interconnect-needs-capability')
    expect(r).toMatchObject({path: 'profiles.placement.akash.attributes', ...at(regional, '      |attributes:\n        region')})
    expect(r.fix?.yaml).toBe('region: us-west\ncapabilities/gpu-interconnect: true\n')
    expect(errorOf(placementWith('        capabilities/gpu-interconnect: false\n', withGpu(ic('[]'))), 'interconnect-needs-capability')).toBeDefined()
  })

  it('one placement does not mix [] and named groups', () => {
    const text = capable(ic('[]'))
      .replace('profiles:\n  compute:\n', 'profiles:\n  compute:\n    named:\n      resources:\n        cpu:\n          units: 1\n        memory:\n          size: 1Gi\n        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n            interconnect: {group: x}\n        storage:\n          size: 1Gi\n')
      .replace('profiles:', '  api:\n    image: nginx:1.27\n    expose:\n      - port: 80\n        to:\n          - service: web\nprofiles:')
      .replace('          amount: 1000\n', '          amount: 1000\n        named:\n          denom: uact\n          amount: 1000\n')
      .replace('      count: 1\n', '      count: 1\n  api:\n    akash:\n      profile: named\n      count: 1\n')
    const e = errorOf(text, 'interconnect-mixed')
    expect(e.message).toBe('Placement "akash" mixes interconnect: [] (profile "web") with interconnect: {group: x} (profile "named").')
    expect(e.path).toBe('profiles.compute.web.resources.gpu.attributes.interconnect')
  })
})

describe('cpu arch', () => {
  const withArch = (arch: string) => variant('          units: 0.5\n', `          units: 0.5\n          attributes:\n            arch: ${arch}\n`)

  it('amd64 and arm64 go into the CPU attributes of the group spec and the manifest', () => {
    for (const arch of ['amd64', 'arm64']) {
      const sdl = loadSdlOrThrow(withArch(arch))
      expect(groupSpecsJson(sdl)[0].resources[0].resource.cpu.attributes).toEqual([{key: 'arch', value: arch}])
      expect(renderManifest(sdl)[0].services[0].resources.cpu.attributes).toEqual([{key: 'arch', value: arch}])
    }
  })

  it('refuses other names (the schema), suggesting Go\'s, and warns under Go rules', () => {
    const text = withArch('x86_64')
    const e = errorOf(text, 'bad-value')
    expect(e).toMatchObject({path: 'profiles.compute.web.resources.cpu.attributes.arch', ...at(text, 'arch: |x86_64')})
    expect(e.hint).toMatch(/^Did you mean "amd64"\?/)
    expect(errorOf(withArch('aarch64'), 'bad-value').hint).toMatch(/^Did you mean "arm64"\?/)
    warningOf(withArch('riscv64'), 'bad-value', {rules: 'go'})
  })

  it('arch is the only CPU attribute', () => {
    const text = variant('          units: 0.5\n', '          units: 0.5\n          attributes:\n            arc: amd64\n')
    const e = errorOf(text, 'unknown-field', {rules: 'go'})
    expect(e).toMatchObject({path: 'profiles.compute.web.resources.cpu.attributes.arc', ...at(text, '            |arc:')})
    expect(e.hint).toBe('Did you mean "arch"?')
  })
})

describe('pricing denoms: uact or uakt only', () => {
  const IBC = 'ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1'

  it('an IBC denom is an error with the uact replacement', () => {
    const text = variant('denom: uact', `denom: ${IBC}`)
    const e = errorOf(text, 'denom-ibc')
    expect(e).toMatchObject({path: 'profiles.placement.akash.pricing.web.denom', ...at(text, 'denom: |ibc/')})
    expect(e.fix).toEqual({description: 'Price in uact', path: 'profiles.placement.akash.pricing.web', yaml: 'denom: uact\namount: 1000\n'})
    expect(e.hint).toMatch(/amount carries over/)
  })

  it('a typo gets "did you mean"', () => {
    expect(errorOf(variant('denom: uact', 'denom: UACT'), 'bad-denom').hint).toMatch(/^Did you mean "uact"\?/)
    expect(errorOf(variant('denom: uact', 'denom: ufoo'), 'bad-denom').message).toBe('profiles.placement.akash.pricing.web.denom is "ufoo", which is not a denom Akash prices leases in (uact or uakt).')
  })
})

describe('the stricter storage and GPU rules', () => {
  const storage = (attrs: string) =>
    variant(
      '        storage:\n          size: 1Gi',
      `        storage:\n          - size: 1Gi\n          - name: data\n            size: 10Gi\n            attributes:\n${attrs}`,
      variant('          - global: true\n', '          - global: true\n    params:\n      storage:\n        data:\n          mount: /data\n'),
    )

  it('a class other than ram needs persistent: true', () => {
    const text = storage('              class: beta2\n              persistent: false\n')
    expect(errorOf(text, 'class-needs-persistent')).toMatchObject(at(text, 'persistent: |false'))
  })

  it('class and persistent are both required (schema)', () => {
    const text = storage('              persistent: true\n')
    expect(errorOf(text, 'missing-field').path).toBe('profiles.compute.web.resources.storage[1].attributes.class')
    warningOf(text, 'missing-field', {rules: 'go'})
  })

  it('ram cannot be persistent', () => {
    const text = storage('              class: ram\n              persistent: true\n')
    expect(errorOf(text, 'ram-persistent')).toMatchObject(at(text, 'persistent: |true'))
  })

  it('GPU units without attributes, attributes without units, and a vendor with nothing in it', () => {
    const noAttrs = withGpu('          units: 2\n')
    expect(errorOf(noAttrs, 'gpu-needs-attributes')).toMatchObject({path: 'profiles.compute.web.resources.gpu', ...at(noAttrs, 'gpu:\n          |units: 2')})
    const noUnits = withGpu('          attributes:\n            vendor:\n              nvidia:\n')
    expect(errorOf(noUnits, 'gpu-attributes-without-units').path).toBe('profiles.compute.web.resources.gpu.units')
    const emptyVendor = withGpu('          units: 1\n          attributes:\n            vendor: {}\n')
    expect(errorOf(emptyVendor, 'gpu-no-vendor')).toMatchObject(at(emptyVendor, 'vendor: |{}'))
  })
})
