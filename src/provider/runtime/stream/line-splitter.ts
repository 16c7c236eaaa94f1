import {StringDecoder} from 'node:string_decoder'

/**
 * Turns a byte stream into lines: keeps the partial last line between chunks, decodes UTF-8
 * characters split across chunks, drops the "\r" of "\r\n".
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private partial = ''

  /** Appends the complete lines of `chunk` to `out` and returns `out`. */
  push(chunk: Buffer, out: string[] = []): string[] {
    const text = this.partial + this.decoder.write(chunk)
    let start = 0
    let nl = text.indexOf('\n', start)
    while (nl !== -1) {
      out.push(stripCr(text.slice(start, nl)))
      start = nl + 1
      nl = text.indexOf('\n', start)
    }
    this.partial = start === 0 ? text : text.slice(start)
    return out
  }

  /** The unterminated last line, if any (at end of stream). */
  flush(out: string[] = []): string[] {
    const text = this.partial + this.decoder.end()
    this.partial = ''
    if (text.length > 0) out.push(stripCr(text))
    return out
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}
