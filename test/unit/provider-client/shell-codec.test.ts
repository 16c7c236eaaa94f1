import {describe, expect, it} from 'vitest'

import {decodeFrame, encodeOutput, encodeResize, encodeResult, encodeStdin} from '../../../src/provider-client/shell-codec.js'

describe('shell frame codec', () => {
  it('prefixes stdin with 104 and resize with 105 + big-endian width and height', () => {
    expect([...encodeStdin('hi')]).toEqual([104, 104, 105])
    expect([...encodeResize(300, 2)]).toEqual([105, 1, 44, 0, 2])
    expect(decodeFrame(encodeResize(80, 24))).toEqual({kind: 'resize', width: 80, height: 24})
  })

  it('decodes stdout, stderr, result and failure frames', () => {
    expect(decodeFrame(encodeOutput('stdout', 'a'))).toMatchObject({kind: 'stdout'})
    expect(Buffer.from((decodeFrame(encodeOutput('stderr', 'bc')) as {data: Uint8Array}).data).toString()).toBe('bc')
    expect(decodeFrame(encodeResult(3))).toEqual({kind: 'result', exitCode: 3})
    expect(decodeFrame(encodeResult(1, 'boom'))).toEqual({kind: 'result', exitCode: 1, message: 'boom'})
    expect(decodeFrame(Buffer.from([103]))).toEqual({kind: 'failure'})
  })

  it('rejects empty, unknown and malformed frames', () => {
    expect(() => decodeFrame(Buffer.alloc(0))).toThrow(/empty/)
    expect(() => decodeFrame(Buffer.from([99]))).toThrow(/unknown shell frame code 99/)
    expect(() => decodeFrame(Buffer.from([102, 0x7b]))).toThrow(/unreadable/)
    expect(() => decodeFrame(Buffer.from([105, 1]))).toThrow(/4 bytes/)
  })

  it('clamps resize dimensions to 16 bits', () => {
    expect(decodeFrame(encodeResize(70000, -1))).toEqual({kind: 'resize', width: 65535, height: 0})
  })
})
