import {describe, expect, it} from 'vitest'

import {defaultDseq} from '../../../../src/services/lease/default-dseq.js'

function ctx(dseqs: bigint[]) {
  const market = {deployments: async (_owner: string, state?: string) => (state === 'active' ? dseqs.map((dseq) => ({id: {owner: 'o', dseq}})) : [])}
  return {market, owner: 'o', network: {name: 'dev'}} as unknown as Parameters<typeof defaultDseq>[0]
}

describe('a command given no DSEQ', () => {
  it('means the only active deployment', async () => {
    expect(await defaultDseq(ctx([52n]), 'status')).toBe(52n)
  })

  it('with several, lists them and names one to try', async () => {
    await expect(defaultDseq(ctx([52n, 53n]), 'logs')).rejects.toMatchObject({
      code: 'missing_dseq',
      exitCode: 2,
      message: 'No DSEQ given, and you have 2 active deployments: 52, 53.',
      hint: 'Name one: `edge logs 52`.',
    })
  })

  it('with none, says so', async () => {
    await expect(defaultDseq(ctx([]), 'events')).rejects.toMatchObject({code: 'missing_dseq', message: expect.stringContaining('no active deployment on dev')})
  })
})
