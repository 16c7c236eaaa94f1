import {describe, expect, it} from 'vitest'

import {
  DEC_SCALE,
  divRound,
  formatCoin,
  formatPerBlock,
  roundPerBlockText,
  formatScaled,
  formatUsd,
  parseCoin,
  parseDec,
  parseUsdRate,
  perBlockFromPerHour,
  perHour,
  perMonth,
  toUsd,
} from '../../../src/protocol/money.js'

describe('money', () => {
  it('parses decimals exactly into 10^18-scaled integers', () => {
    expect(parseDec('1.5')).toBe(1_500_000_000_000_000_000n)
    expect(parseDec('0.000000000000000001')).toBe(1n)
    expect(parseDec('12')).toBe(12n * DEC_SCALE)
    expect(() => parseDec('1.0000000000000000001')).toThrow(/more than 18 decimal places/)
    expect(() => parseDec('-1')).toThrow(/not a decimal/)
    expect(() => parseDec('1e5')).toThrow(/not a decimal/)
  })

  it('rounds half up, never through floats', () => {
    expect(divRound(5n, 2n)).toBe(3n)
    expect(divRound(4n, 3n)).toBe(1n)
    expect(divRound(5n, 3n)).toBe(2n)
    // Bigger than any float can hold exactly.
    const huge = 123_456_789_012_345_678_901_234_567_890n
    expect(divRound(huge * 3n + 1n, 3n)).toBe(huge)
  })

  it('converts per-block prices to per hour and per month with the network block time', () => {
    // 1 uact per block, 1 s blocks → 3600 uact/h; 730 h a month.
    expect(perHour(DEC_SCALE, 1000)).toBe(3600n * DEC_SCALE)
    expect(perMonth(DEC_SCALE, 1000)).toBe(3600n * 730n * DEC_SCALE)
    // 6117 ms blocks: 3600000/6117 = 588.5238… blocks an hour.
    expect(formatScaled(perHour(DEC_SCALE, 6117), 18, 6)).toBe('588.523786')
    // Round trip per hour → per block → per hour stays within one unit of the last place.
    const perBlock = perBlockFromPerHour(parseDec('0.25'), 6117)
    expect(formatScaled(perHour(perBlock, 6117), 18, 12)).toBe('0.250000000000')
  })

  it('prices ACT at one dollar and AKT only with a price', () => {
    // 1.5 ACT (1_500_000 uact) = $1.50
    expect(toUsd(1_500_000n * DEC_SCALE, 'uact')).toBe(parseDec('1.5'))
    expect(toUsd(1_000_000n * DEC_SCALE, 'uakt')).toBeUndefined()
    expect(toUsd(2_000_000n * DEC_SCALE, 'uakt', parseDec('0.75'))).toBe(parseDec('1.5'))
    expect(toUsd(1n, 'ibc/ABC')).toBeUndefined()
  })

  it('formats USD so small prices do not show as $0.00', () => {
    expect(formatUsd(parseDec('1234.5'))).toBe('$1,234.50')
    expect(formatUsd(parseDec('0.004'))).toBe('$0.004')
    expect(formatUsd(parseDec('0.0000123'))).toBe('$0.0000123')
    expect(formatUsd(0n)).toBe('$0.00')
    expect(formatUsd(parseDec('0.005'))).toBe('$0.005')
    expect(formatUsd(parseDec('0.015'))).toBe('$0.02')
  })

  it('formats coins and per-block prices in display units', () => {
    expect(formatCoin(1_234_567n, 'uact')).toBe('1.234567 ACT')
    expect(formatCoin(5_000_000n, 'uakt')).toBe('5 AKT')
    expect(formatCoin(1_000_000_000_000n, 'uakt')).toBe('1,000,000 AKT')
    expect(formatPerBlock(parseDec('1.5'), 'uact')).toBe('0.0000015 ACT/block')
  })

  it('rounds per-block prices for people and keeps them exact for JSON', () => {
    const perBlock = parseDec('0.409722222222222222')
    expect(formatPerBlock(perBlock, 'uact')).toBe('0.000000409722222222222222 ACT/block')
    expect(formatPerBlock(perBlock, 'uact', {significant: 4})).toBe('0.0000004097 ACT/block')
    expect(formatPerBlock(parseDec('1234.5678'), 'uakt', {significant: 4})).toBe('0.001235 AKT/block')
    expect(formatPerBlock(0n, 'uact', {significant: 4})).toBe('0 ACT/block')
    expect(roundPerBlockText('0.000000409722222222222222 ACT/block')).toBe('0.0000004097 ACT/block')
    expect(roundPerBlockText('12.5 ACT/block')).toBe('12.5 ACT/block')
    expect(roundPerBlockText('0 ACT/block')).toBe('0 ACT/block')
    // Half up, carrying into a new digit; whole numbers keep their digits.
    expect(roundPerBlockText('0.00000099996 ACT/block')).toBe('0.000001 ACT/block')
    expect(roundPerBlockText('1234.5678 AKT/block')).toBe('1235 AKT/block')
  })

  it('parses amounts in display units and base denoms', () => {
    expect(parseCoin('100akt')).toEqual({denom: 'uakt', amount: 100_000_000n})
    expect(parseCoin('2.5 ACT')).toEqual({denom: 'uact', amount: 2_500_000n})
    expect(parseCoin('1000uakt')).toEqual({denom: 'uakt', amount: 1000n})
    expect(parseCoin('0.000001act')).toEqual({denom: 'uact', amount: 1n})
    expect(() => parseCoin('1.5uakt')).toThrow(/whole numbers/)
    expect(() => parseCoin('0.0000001act')).toThrow(/decimal places/)
    expect(() => parseCoin('10 btc')).toThrow(/unknown denom/)
    expect(() => parseCoin('lots')).toThrow(/not an amount/)
  })

  it('parses price caps per hour and per month', () => {
    expect(parseUsdRate('1.2usd/h')).toBe(parseDec('1.2'))
    expect(parseUsdRate('$0.5/hour')).toBe(parseDec('0.5'))
    expect(parseUsdRate('73usd/month')).toBe(parseDec('0.1'))
    expect(() => parseUsdRate('cheap')).toThrow(/price per hour/)
  })
})
