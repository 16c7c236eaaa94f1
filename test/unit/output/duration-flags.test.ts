import {describe, expect, it} from 'vitest'

import {averageBlockTimeFlag, blockTimeFlag, durationFlag, reclamationWindowFlag} from '../../../src/flags.js'

/** Runs a custom flag's parser the way oclif does. */
async function parse<T>(flag: {parse: (input: string, ctx: never, opts: never) => Promise<T>; name?: string}, input: string): Promise<T> {
  return flag.parse(input, {} as never, {name: 'flag'} as never)
}

describe('every flag that takes a time takes a duration (D22)', () => {
  it('the one grammar: ms, s, m, h, d, w and compounds', async () => {
    expect(await parse(durationFlag(), '500ms')).toBe(500)
    expect(await parse(durationFlag(), '1h30m')).toBe(5_400_000)
    expect(await parse(durationFlag(), '30s')).toBe(30_000)
  })

  it('edge dev start --block-time: 1s, 500ms, 0; a bare number stays seconds', async () => {
    expect(await parse(blockTimeFlag(), '1s')).toBe(1000)
    expect(await parse(blockTimeFlag(), '500ms')).toBe(500)
    expect(await parse(blockTimeFlag(), '0')).toBe(0)
    expect(await parse(blockTimeFlag(), '2')).toBe(2000)
    await expect(parse(blockTimeFlag(), 'fast')).rejects.toThrow(/not a block time/)
  })

  it('edge network add --block-time: 1s, 6.117s; a bare number stays milliseconds', async () => {
    expect(await parse(averageBlockTimeFlag(), '1s')).toBe(1000)
    expect(await parse(averageBlockTimeFlag(), '6.117s')).toBe(6117)
    expect(await parse(averageBlockTimeFlag(), '6117')).toBe(6117)
    await expect(parse(averageBlockTimeFlag(), '0')).rejects.toThrow(/not a block time/)
  })

  it('--min-reclamation-window: 30s, 1h30m, 0s; seconds', async () => {
    expect(await parse(reclamationWindowFlag(), '30s')).toBe(30)
    expect(await parse(reclamationWindowFlag(), '1h30m')).toBe(5400)
    expect(await parse(reclamationWindowFlag(), '0s')).toBe(0)
    await expect(parse(reclamationWindowFlag(), 'soon')).rejects.toThrow(/not a duration/)
  })
})
