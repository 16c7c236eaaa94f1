import {describe, expect, it} from 'vitest'

import {checkLines, failCheck, formatBytes, fromAttestation, overallStatus, passCheck, skipCheck, warnCheck} from '../../../src/verify/check.js'

describe('one check list for every source', () => {
  it('ranks fail over mock over warn over pass over skip', () => {
    const mock = {check: 'mock.report' as const, status: 'mock' as const, reason: 'a MOCK report'}
    expect(overallStatus([passCheck('a', 'x'), warnCheck('b', 'y')])).toBe('warn')
    expect(overallStatus([passCheck('a', 'x'), ...fromAttestation([mock]), warnCheck('b', 'y')])).toBe('mock')
    expect(overallStatus([failCheck('a', 'x'), ...fromAttestation([mock])])).toBe('fail')
    expect(overallStatus([skipCheck('a', 'x')])).toBe('skip')
    expect(overallStatus([])).toBe('skip')
  })

  it('keeps evidence as strings, dropping what is undefined', () => {
    expect(passCheck('probe.cpu', 'ok', {paid: 4000n, quota: undefined, ok: true}, 'web')).toEqual({check: 'probe.cpu', status: 'pass', reason: 'ok', subject: 'web', evidence: {paid: '4000', ok: 'true'}})
  })

  it('prints one line per check, then the overall status', () => {
    expect(checkLines([failCheck('probe.gpu_smi', 'nvidia-smi claims 8 GPUs, the kernel lists 1'), warnCheck('demand.cpu', 'busy', undefined, 'web')])).toEqual([
      'FAIL probe.gpu_smi  nvidia-smi claims 8 GPUs, the kernel lists 1',
      'WARN demand.cpu     [web] busy',
      'overall: fail',
    ])
  })

  it('writes bytes for people', () => {
    expect(formatBytes(4n << 30n)).toBe('4 GiB')
    expect(formatBytes(1536n << 20n)).toBe('1.5 GiB')
    expect(formatBytes(512)).toBe('512 B')
  })
})
