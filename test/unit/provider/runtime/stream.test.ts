import {describe, expect, it} from 'vitest'

import {AsyncQueue} from '../../../../src/lib/async-queue.js'
import {StreamDemuxer} from '../../../../src/provider/runtime/stream/demux.js'
import {LineSplitter} from '../../../../src/provider/runtime/stream/line-splitter.js'

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('StreamDemuxer', () => {
  it('separates stdout and stderr frames however the bytes are chunked', () => {
    const wire = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err one\n'), frame(1, 'out two\n'), frame(0, ''), frame(2, 'é\n')])
    for (const size of [1, 3, 7, 8, 9, 1000]) {
      const got: string[] = []
      const demux = new StreamDemuxer((kind, payload) => got.push(`${kind}:${payload.toString()}`))
      for (let i = 0; i < wire.length; i += size) demux.push(wire.subarray(i, i + size))
      // Payload bytes are delivered per frame; a split frame is reassembled first.
      expect(got.join('')).toBe('stdout:out one\nstderr:err one\nstdout:out two\nstderr:é\n')
      expect(demux.pending).toBe(0)
    }
  })
})

describe('LineSplitter', () => {
  it('keeps partial lines, joins split UTF-8 characters and drops CR', () => {
    const s = new LineSplitter()
    const bytes = Buffer.from('héllo\r\nwor')
    const out: string[] = []
    // Split inside the two-byte "é".
    s.push(bytes.subarray(0, 2), out)
    s.push(bytes.subarray(2), out)
    expect(out).toEqual(['héllo'])
    s.push(Buffer.from('ld\n\nlast'), out)
    expect(out).toEqual(['héllo', 'world', ''])
    expect(s.flush()).toEqual(['last'])
    expect(s.flush()).toEqual([])
  })
})

describe('AsyncQueue', () => {
  it('pauses producers above the high-water mark and resumes them when drained', async () => {
    const calls: string[] = []
    const q = new AsyncQueue<number>({highWater: 4, lowWater: 1, onPause: () => calls.push('pause'), onResume: () => calls.push('resume')})
    q.pushAll([1, 2, 3, 4, 5])
    expect(calls).toEqual(['pause'])
    q.end()
    const got: number[] = []
    for await (const n of q) got.push(n)
    expect(got).toEqual([1, 2, 3, 4, 5])
    expect(calls).toEqual(['pause', 'resume'])
  })

  it('delivers items pushed while the consumer waits, then the error it ended with', async () => {
    const q = new AsyncQueue<string>()
    setTimeout(() => {
      q.push('a')
      setTimeout(() => q.end(new Error('boom')), 5)
    }, 5)
    const got: string[] = []
    await expect(
      (async () => {
        for await (const s of q) got.push(s)
      })(),
    ).rejects.toThrow('boom')
    expect(got).toEqual(['a'])
  })

  it('tells the producer when the consumer stops early', async () => {
    let closed = 0
    const q = new AsyncQueue<number>({onClose: () => closed++})
    q.pushAll([1, 2, 3])
    for await (const n of q) if (n === 2) break
    expect(closed).toBe(1)
  })
})
