import {describe, expect, it} from 'vitest'

import {decHuman, decLegacyString, decWire, parseBytes, parseCpuMillis, parseLegacyDec} from '../../../src/sdl/index.js'
import {gpuRamKey, parseGpuRam, parseGpuUnits} from '../../../src/sdl/units.js'

describe('CPU units (go/sdl/units.go)', () => {
  it.each([
    ['100m', 100],
    ['500m', 500],
    ['0.5', 500],
    ['1', 1000],
    ['2', 2000],
    ['0.01', 10],
    ['1.5', 1500],
    // Go multiplies the float64 and truncates: 1.001 * 1000 = 1000.9999…
    ['1.001', 1000],
    ['1e3', 1_000_000],
  ])('%s → %d millicores', (text, millis) => {
    expect(parseCpuMillis(text)).toEqual({ok: true, value: millis})
  })

  it.each(['abc', '0.5m', '1k', '', 'm'])('rejects %j', (text) => {
    expect(parseCpuMillis(text).ok).toBe(false)
  })

  it('rejects negative CPU', () => {
    expect(parseCpuMillis('-1')).toEqual({ok: false, reason: 'negative'})
  })
})

describe('memory and storage sizes', () => {
  it.each([
    ['512Mi', 512n * 1024n ** 2n],
    ['1Gi', 1024n ** 3n],
    ['1G', 1_000_000_000n],
    ['1.5Gi', 1610612736n],
    ['128Ki', 131072n],
    ['2Ti', 2n * 1024n ** 4n],
    ['64k', 64_000n],
    ['5M', 5_000_000n],
    ['1000000', 1_000_000n],
  ])('%s → %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toEqual({ok: true, value: bytes})
  })

  it.each(['1GB', '512mi', '1gi', '10Gb', 'lots', '1 Gi'])('rejects %j (units are case-sensitive, no "B")', (text) => {
    expect(parseBytes(text).ok).toBe(false)
  })

  it('rejects negative sizes', () => {
    expect(parseBytes('-1Gi')).toEqual({ok: false, reason: 'negative'})
  })
})

describe('GPU units and RAM', () => {
  it('reads whole GPUs only', () => {
    expect(parseGpuUnits('1')).toEqual({ok: true, value: 1n})
    expect(parseGpuUnits('1.0').ok).toBe(false)
    expect(parseGpuUnits('-1').ok).toBe(false)
  })

  it('keys GPU RAM in whole Gi, binary suffixes only', () => {
    expect(gpuRamKey((parseGpuRam('80Gi') as {value: bigint}).value)).toBe('80Gi')
    expect(gpuRamKey((parseGpuRam('81920Mi') as {value: bigint}).value)).toBe('80Gi')
    expect(parseGpuRam('80G').ok).toBe(false)
  })
})

describe('LegacyDec prices', () => {
  it('parses like math.LegacyNewDecFromStr', () => {
    expect(parseLegacyDec('50')).toEqual({ok: true, value: 50n * 10n ** 18n})
    expect(parseLegacyDec('1.5')).toEqual({ok: true, value: 15n * 10n ** 17n})
    expect(parseLegacyDec('0.000000000000000001')).toEqual({ok: true, value: 1n})
    expect(parseLegacyDec('-2')).toEqual({ok: true, value: -2n * 10n ** 18n})
  })

  it.each(['', '.5', '5.', '1.2.3', '1e3', '0.0000000000000000001', 'abc'])('rejects %j', (text) => {
    expect(parseLegacyDec(text).ok).toBe(false)
  })

  it('prints the three DecCoin spellings', () => {
    const v = 15n * 10n ** 17n
    expect(decHuman(v)).toBe('1.5')
    expect(decLegacyString(v)).toBe('1.500000000000000000')
    expect(decWire(v)).toBe('1500000000000000000')
    expect(decHuman(100n * 10n ** 18n)).toBe('100')
    expect(decHuman(0n)).toBe('0')
  })
})
