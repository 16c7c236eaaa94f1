/**
 * `edge verify` and `edge receipt verify` refuse bad input before they unlock a key or reach a
 * network, with exit 2 and the error envelope.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {edgeInProcess} from '../in-process.js'

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'edge-verify-cmd-'))
  process.env.EDGE_CONFIG_DIR = join(dir, 'config')
  process.env.EDGE_DATA_DIR = join(dir, 'data')
  delete process.env.EDGE_NETWORK
  return {dir}
}

afterEach(() => {
  delete process.env.EDGE_CONFIG_DIR
  delete process.env.EDGE_DATA_DIR
  process.exitCode = undefined
})

describe('edge verify / edge receipt verify (in-process)', () => {
  it('refuses an unknown --require family, a bad --skip and a bad DSEQ with exit 2', async () => {
    setup()
    const family = await edgeInProcess(['verify', '12', '--require', 'tee,cpus', '--json'])
    expect(family.json.error).toMatchObject({code: 'usage', exitCode: 2, message: expect.stringMatching(/"cpus" is not a check family/)})
    const skip = await edgeInProcess(['verify', '12', '--skip', 'probe,gpu', '--json'])
    expect(skip.json.error).toMatchObject({exitCode: 2, message: expect.stringMatching(/"gpu" is not a step/)})
    const dseq = await edgeInProcess(['verify', 'abc', '--json'])
    expect(dseq.json.error.exitCode).toBe(2)
  })

  it('receipt verify --offline says which part of a file that is no receipt failed', async () => {
    const {dir} = setup()
    const file = join(dir, 'not-a-receipt.json')
    writeFileSync(file, JSON.stringify({payloadType: 'text/plain', payload: '', signatures: []}))
    const r = await edgeInProcess(['receipt', 'verify', file, '--offline', '--network', 'local', '--json'])
    expect(r.json.result.status).toBe('fail')
    expect(r.json.result.checks[0]).toMatchObject({check: 'receipt.parse', status: 'fail', reason: expect.stringMatching(/payload type is "text\/plain"/)})
    expect(r.error?.oclif?.exit).toBe(2)
  })
})
