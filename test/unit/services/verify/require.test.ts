import {describe, expect, it} from 'vitest'

import {checkRequirements, defaultFamilies, parseFamilies} from '../../../../src/services/verify/require.js'
import type {VerifyCheck} from '../../../../src/verify/check.js'

const c = (check: string, status: VerifyCheck['status']): VerifyCheck => ({check, status, reason: `${check} ${status}`})

describe('--require families', () => {
  it('parses a comma list, none, and refuses unknown names', () => {
    expect(parseFamilies(['tee,gpu', 'probe'])).toEqual(['tee', 'gpu', 'probe'])
    expect(parseFamilies(['none'])).toEqual([])
    expect(parseFamilies(['tee,cpus'])).toMatch(/"cpus" is not a check family/)
  })

  it('a family holds only when something passed, nothing failed and nothing is a mock', () => {
    const checks = [c('probe.cpu', 'pass'), c('probe.disk', 'warn'), c('demand.cpu', 'fail'), c('quote.parse', 'pass'), c('mock.report', 'mock'), c('probe.gpu_kernel', 'skip')]
    const r = Object.fromEntries(checkRequirements(checks, ['probe', 'demand', 'cpu', 'tee', 'gpu', 'disk']).map((x) => [x.family, x]))
    expect(r.probe.ok).toBe(true)
    expect(r.demand).toMatchObject({ok: false, reason: 'demand.cpu: demand.cpu fail'})
    expect(r.cpu.ok).toBe(false)
    expect(r.tee).toMatchObject({ok: false, reason: expect.stringMatching(/MOCK/)})
    expect(r.gpu).toMatchObject({ok: false, reason: expect.stringMatching(/nothing was proven/)})
    expect(r.disk.ok).toBe(false)
    expect(checkRequirements([], ['tee'])[0]).toMatchObject({ok: false, reason: 'no check of it ran'})
  })

  it('requires the probe and the demand tests by default, except a step --skip leaves out', () => {
    expect(defaultFamilies([])).toEqual(['probe', 'demand'])
    expect(defaultFamilies(['demand'])).toEqual(['probe'])
    expect(defaultFamilies(['attestation'])).toEqual(['probe', 'demand'])
    // A skipped step leaves only a skip behind, which would fail a required family.
    expect(checkRequirements([c('probe.cpu', 'pass'), c('demand.skipped', 'skip')], defaultFamilies(['demand'])).every((r) => r.ok)).toBe(true)
    expect(checkRequirements([c('probe.cpu', 'pass'), c('demand.skipped', 'skip')], defaultFamilies([])).every((r) => r.ok)).toBe(false)
  })
})
