import {describe, expect, it} from 'vitest'

import {formatSdlDuration, parseSdlDuration, suggestSdlDuration} from '../../../src/sdl/durations.js'
import {goCompare, parseGoDuration, parseGoDurationNanos} from '../../../src/sdl/go-compat.js'

describe("Go's time.ParseDuration", () => {
  it('reads what Go reads', () => {
    expect(parseGoDurationNanos('1h30m')).toBe(5_400_000_000_000n)
    expect(parseGoDurationNanos('1.5s')).toBe(1_500_000_000n)
    expect(parseGoDurationNanos('.5m')).toBe(30_000_000_000n)
    expect(parseGoDurationNanos('300ms')).toBe(300_000_000n)
    expect(parseGoDurationNanos('2µs')).toBe(2_000n)
    expect(parseGoDurationNanos('-1m')).toBe(-60_000_000_000n)
    expect(parseGoDurationNanos('0')).toBe(0n)
    expect(parseGoDurationNanos('2562047h47m16.854775807s')).toBe((1n << 63n) - 1n)
    expect(parseGoDuration('90m')).toBe(5400)
  })

  it('refuses what Go refuses', () => {
    for (const bad of ['', '1', '1d', 'h', '.s', '1h 30m', '2562047h47m16.854775808s', '+']) expect(parseGoDurationNanos(bad)).toBeUndefined()
  })

  it('orders strings byte-wise, as sort.Strings does', () => {
    expect(['b', 'B', 'é', 'a'].sort(goCompare)).toEqual(['B', 'a', 'b', 'é'])
  })
})

describe("chain-sdk's SDL durations", () => {
  it('are a whole number with an optional unit; no unit is milliseconds', () => {
    expect(parseSdlDuration('30s')).toEqual({ms: 30_000n, unit: 's'})
    expect(parseSdlDuration('1500')).toEqual({ms: 1500n})
    expect(parseSdlDuration('2h')).toEqual({ms: 7_200_000n, unit: 'h'})
    for (const bad of ['1.5s', '1m30s', '30 s', '-1s', 's']) expect(parseSdlDuration(bad)).toBeUndefined()
  })

  it('format in the largest whole unit and suggest what a near miss meant', () => {
    expect(formatSdlDuration(5_400_000n)).toBe('90m')
    expect(formatSdlDuration(1_500n)).toBe('1500ms')
    expect(formatSdlDuration(1_500n, ['h', 'm', 's'])).toBeUndefined()
    expect(suggestSdlDuration('1m30s')).toBe('90s')
    expect(suggestSdlDuration('24 hours')).toBe('24h')
    expect(suggestSdlDuration('10 secs')).toBe('10s')
    expect(suggestSdlDuration('250 millis')).toBe('250ms')
    expect(suggestSdlDuration('1.5s', ['h', 'm', 's'])).toBeUndefined()
    expect(suggestSdlDuration('later')).toBeUndefined()
  })
})
