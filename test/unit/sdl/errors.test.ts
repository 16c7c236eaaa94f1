import {describe, expect, it} from 'vitest'

import {loadSdl, loadSdlFile, loadSdlOrThrow, requireValid, type SdlIssue} from '../../../src/sdl/index.js'
import {UsageError} from '../../../src/errors.js'
import {BASE, variant} from '../../helpers/sdl-text.js'

function errorsOf(text: string, options = {}): SdlIssue[] {
  const result = loadSdl(text, {file: 'deploy.yaml', ...options})
  expect(result.ok).toBe(false)
  return result.errors
}

function one(text: string, code: string, options = {}): SdlIssue {
  const list = errorsOf(text, options).filter((e) => e.code === code)
  expect(list.length, JSON.stringify(errorsOf(text, options), null, 2)).toBeGreaterThan(0)
  return list[0]
}

describe('errors carry file:line:column, a YAML path, a sentence and a hint', () => {
  it('unknown field: at the key, with the Compose habit explained', () => {
    const e = one(variant('    image: nginx:1.27', '    image: nginx:1.27\n    depends_on:\n      - db'), 'unknown-field')
    expect(e).toMatchObject({path: 'services.web.depends_on', line: 5, column: 5, file: 'deploy.yaml'})
    expect(e.message).toBe('services.web has an unknown field "depends_on".')
    expect(e.hint).toMatch(/start together/)
  })

  it('a misspelt field suggests the right one', () => {
    expect(one(variant('    expose:', '    exposes:'), 'unknown-field').hint).toBe('Did you mean "expose"?')
  })

  it('missing field: at the parent key', () => {
    const e = one(variant('    image: nginx:1.27\n', ''), 'missing-field')
    expect(e).toMatchObject({path: 'services.web.image', line: 3, column: 3})
    expect(e.hint).toMatch(/image: /)
  })

  it('port out of range: at the value', () => {
    const e = one(variant('      - port: 80', '      - port: 70000'), 'out-of-range')
    expect(e).toMatchObject({path: 'services.web.expose[0].port', line: 6, column: 15})
    expect(e.message).toBe('services.web.expose[0].port is 70000, but it must be between 1 and 65535.')
  })

  it('sizes with the wrong unit get the unit rules', () => {
    const e = one(variant('size: 512Mi', 'size: 512MB'), 'bad-size')
    expect(e).toMatchObject({path: 'profiles.compute.web.resources.memory.size', line: 17, column: 17})
    expect(e.hint).toMatch(/case-sensitive/)
  })

  it('deployment references: unknown profile, placement, service; missing price', () => {
    expect(one(variant('profile: web', 'profile: wbe'), 'unknown-profile')).toMatchObject({
      path: 'deployment.web.akash.profile',
      hint: 'Did you mean "web"?',
    })
    const pricing = one(variant('        web:\n          denom', '        other:\n          denom'), 'missing-price')
    expect(pricing.fix?.yaml).toBe('denom: uact\namount: 1000\n')
    expect(one(variant('deployment:\n  web:', 'deployment:\n  api:'), 'unknown-service').path).toBe('deployment.api')
    expect(one(variant('    akash:\n      profile', '    west:\n      profile'), 'unknown-placement').path).toBe('deployment.web.west')
  })

  it('a mistyped profile or placement name is one diagnostic: no price asked for the typo, no "unused" for the intended one (D35)', () => {
    const profile = loadSdl(variant('profile: web', 'profile: webx'), {file: 'deploy.yaml'})
    expect(profile.errors.map((e) => e.code)).toEqual(['unknown-profile'])
    expect(profile.errors[0].hint).toBe('Did you mean "web"?')
    expect(profile.warnings.map((w) => w.code)).not.toContain('profile-unused')
    const placement = loadSdl(variant('    akash:\n      profile', '    akahs:\n      profile'), {file: 'deploy.yaml'})
    expect(placement.errors.map((e) => e.code)).toEqual(['unknown-placement'])
    expect(placement.warnings.map((w) => w.code)).not.toContain('placement-unused')
  })

  it('zero price, too many decimals, wrong denom', () => {
    expect(one(variant('amount: 1000', 'amount: 0'), 'zero-amount').path).toBe('profiles.placement.akash.pricing.web.amount')
    expect(one(variant('amount: 1000', 'amount: "0.0000000000000000001"'), 'bad-amount').message).toMatch(/18 decimal places/)
    const ibc = one(variant('denom: uact', 'denom: ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1'), 'denom-ibc')
    expect(ibc.fix?.yaml).toBe('denom: uact\namount: 1000\n')
  })

  it('more than one denom across groups', () => {
    const text = variant('  placement:\n    akash:', '  placement:\n    east:\n      pricing:\n        web:\n          denom: uakt\n          amount: 5\n    akash:').replace(
      '      count: 1\n',
      '      count: 1\n    east:\n      profile: web\n      count: 1\n',
    )
    expect(one(text, 'mixed-denoms').message).toMatch(/uact, uakt|uakt, uact/)
  })

  it('hostnames must be DNS names and unique', () => {
    expect(one(variant('        as: 80\n', '        as: 80\n        accept:\n          - "*.example.com"\n'), 'bad-hostname').path).toBe(
      'services.web.expose[0].accept[0]',
    )
  })

  it('a deployment must expose something to the internet', () => {
    expect(one(variant('          - global: true', '          - service: web'), 'no-global-expose').message).toMatch(/Akash rejects/)
  })

  it('service names must be DNS labels', () => {
    const text = BASE.replaceAll('web:', 'Web:').replace('profile: Web', 'profile: web').replaceAll('    Web:\n      resources', '    web:\n      resources')
    expect(one(text.replace('        Web:\n          denom', '        web:\n          denom'), 'bad-service-name').path).toBe('services.Web')
  })

  it('resource limits per instance', () => {
    expect(one(variant('units: 0.5', 'units: 500'), 'cpu-out-of-range').message).toMatch(/384/)
    expect(one(variant('size: 512Mi', 'size: 512Ki'), 'memory-out-of-range').path).toBe('profiles.compute.web.resources.memory.size')
    expect(one(variant('size: 1Gi', 'size: 1Mi'), 'storage-out-of-range').message).toMatch(/5Mi/)
    expect(one(variant('amount: 1000', 'amount: 20000000'), 'price-too-high').message).toMatch(/10000000/)
  })

  it('storage rules: ram cannot persist, classes need persistent, mounts must exist', () => {
    const storage = (attrs: string) => variant('        storage:\n          size: 1Gi', `        storage:\n          - size: 1Gi\n          - name: data\n            size: 2Gi\n            attributes:\n${attrs}`)
    expect(one(storage('              class: ram\n              persistent: true'), 'ram-persistent').path).toMatch(/attributes\.persistent$/)
    expect(one(storage('              class: beta2\n              persistent: false'), 'class-needs-persistent').hint).toMatch(/ephemeral/)
    expect(one(storage('              class: ssd\n              persistent: true'), 'bad-value').hint).toMatch(/beta3 \(NVMe\)/)
    const mounted = storage('              class: beta3\n              persistent: true').replace('    expose:', '    params:\n      storage:\n        dat:\n          mount: /data\n    expose:')
    expect(one(mounted, 'unknown-volume').hint).toBe('Did you mean "data"?')
    const noMount = storage('              class: beta3\n              persistent: true')
    expect(one(noMount, 'persistent-without-mount').path).toBe('services.web')
  })

  it('two unnamed volumes collide as "default"', () => {
    const text = variant('        storage:\n          size: 1Gi', '        storage:\n          - size: 1Gi\n          - size: 2Gi')
    expect(one(text, 'duplicate-volume').hint).toMatch(/Only one volume may go without a name/)
  })

  it('GPU rules: units need a vendor, attributes need units, NVIDIA only', () => {
    const gpu = (body: string) => variant('        storage:\n          size: 1Gi', `        gpu:\n${body}\n        storage:\n          size: 1Gi`)
    expect(one(gpu('          units: 1'), 'gpu-needs-attributes').hint).toMatch(/nvidia/)
    expect(one(gpu('          units: 0\n          attributes:\n            vendor:\n              nvidia:'), 'gpu-attributes-without-units').path).toMatch(/gpu\.units$/)
    expect(one(gpu('          units: 1\n          attributes:\n            vendor:\n              amd:\n                - model: mi300'), 'unknown-field').hint).toMatch(/NVIDIA/)
    expect(one(gpu('          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n                  ram: 80GB'), 'bad-gpu-ram').hint).toMatch(/80Gi/)
    expect(one(gpu('          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n                  interface: nvlink'), 'bad-value').path).toMatch(/interface$/)
    expect(one(gpu('          units: 30\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100'), 'gpu-out-of-range').message).toMatch(/24/)
  })

  it('endpoints: declared, used, global, no port clashes', () => {
    const ip = (to: string, endpoints = 'endpoints:\n  myip:\n    kind: ip\n') => variant('          - global: true', to) + endpoints
    expect(one(ip('          - global: true', 'endpoints:\n  myip:\n    kind: ip\n'), 'endpoint-unused').path).toBe('endpoints.myip')
    expect(one(ip('          - global: true\n            ip: other'), 'unknown-endpoint').path).toBe('services.web.expose[0].to[0].ip')
    expect(one(ip('          - global: false\n            ip: myip'), 'ip-needs-global').hint).toMatch(/global: true/)
    expect(one(ip('          - global: true\n            ip: myip', 'endpoints:\n  x:\n    kind: ip\n'), 'bad-endpoint-name').message).toMatch(/"x"/)
  })

  it('YAML syntax errors have positions too', () => {
    const e = one('version: "2.0"\nservices:\n  web:\n    image: "nginx\n', 'yaml-syntax')
    expect(e.line).toBeGreaterThan(0)
    expect(e.message).toMatch(/^The file is not valid YAML: /)
    expect(one('--\nversion: "2.0"\n', 'yaml-syntax').hint).toMatch(/"--" instead of "---"/)
    expect(one('', 'empty').message).toBe('The SDL file is empty.')
  })

  it('duplicate keys are YAML errors', () => {
    expect(one(variant('    image: nginx:1.27', '    image: nginx:1.27\n    image: nginx:1.26'), 'yaml-syntax').hint).toMatch(/only once/)
  })

  it('version must be "2.0" or "2.1" in quotes; Go rules read 2 and 2.2 tolerantly', () => {
    expect(one(variant('version: "2.0"', 'version: 2.0'), 'wrong-type').hint).toBe('Write version: "2.0" (2.1 also merges services that share a compute profile).')
    expect(one(variant('version: "2.0"', 'version: "1.0"'), 'unsupported-version').message).toMatch(/"2.0" or "2.1"/)
    expect(loadSdl(variant('version: "2.0"', 'version: "2"'), {rules: 'go'}).sdl?.version).toBe('2.0')
    expect(loadSdl(variant('version: "2.0"', 'version: "2.2"'), {rules: 'go'}).sdl?.version).toBe('2.1')
  })

  it('a missing file is an issue, not an exception', async () => {
    const result = await loadSdlFile('/nonexistent/deploy.yaml')
    expect(result.errors[0]).toMatchObject({code: 'file-not-found', line: 1, column: 1})
    // For callers that need an SDL, it says the file is missing, not that an SDL is invalid.
    expect(() => requireValid(result, '/nonexistent/deploy.yaml')).toThrow(expect.objectContaining({code: 'sdl_unreadable', message: 'The file /nonexistent/deploy.yaml does not exist.'}))
  })

  it('loadSdlOrThrow throws a usage error (exit 2) naming the first problem and its place', () => {
    try {
      loadSdlOrThrow(variant('      - port: 80', '      - port: 0'), {file: 'app.yaml'})
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError)
      const e = err as UsageError
      expect(e.exitCode).toBe(2)
      expect(e.code).toBe('sdl_invalid')
      expect(e.message).toBe('app.yaml is not a valid SDL: app.yaml:6:15: services.web.expose[0].port is 0, but it must be between 1 and 65535.')
      expect((e.details?.errors as SdlIssue[])[0].path).toBe('services.web.expose[0].port')
    }
  })
})
