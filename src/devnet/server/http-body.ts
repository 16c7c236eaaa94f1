import type {IncomingMessage} from 'node:http'

/** The largest request body the RPC and REST servers read (a tx is far smaller). */
export const MAX_BODY = 20 * 1024 * 1024

export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body over ${MAX_BODY} bytes`)
  }
}

/** Reads a request body as UTF-8, refusing (and dropping the connection) past MAX_BODY. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new BodyTooLargeError())
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
