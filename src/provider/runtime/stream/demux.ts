/**
 * Docker's multiplexed attach/logs stream: frames of an 8-byte header (stream type in byte 0:
 * 0 stdin, 1 stdout, 2 stderr; payload length big-endian in bytes 4..7) followed by the payload.
 * Headers and payloads may be split across chunks in any way, so the parser keeps what is left.
 */
export type StreamKind = 'stdout' | 'stderr'

export class StreamDemuxer {
  private rest: Buffer | undefined

  constructor(private readonly emit: (stream: StreamKind, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk
    this.rest = undefined
    let offset = 0
    while (buf.length - offset >= 8) {
      const type = buf[offset]
      const size = buf.readUInt32BE(offset + 4)
      if (buf.length - offset - 8 < size) break
      const payload = buf.subarray(offset + 8, offset + 8 + size)
      offset += 8 + size
      if (size > 0) this.emit(type === 2 ? 'stderr' : 'stdout', payload)
    }
    if (offset < buf.length) {
      // Copy so the (possibly large) source chunk can be released.
      this.rest = Buffer.from(buf.subarray(offset))
    }
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.rest?.length ?? 0
  }
}
