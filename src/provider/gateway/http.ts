import type {IncomingMessage, ServerResponse} from 'node:http'

export const JSON_TYPE = 'application/json; charset=UTF-8'

/** JSON as Go's writeJSON sends it. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
}

/** Go's `http.Error`: the message and a newline as plain text. */
export function sendText(res: ServerResponse, status: number, message: string): void {
  const text = message.endsWith('\n') ? message : `${message}\n`
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
    ...(status === 413 ? {Connection: 'close'} : {}),
  })
  res.end(text)
}

/** Auth failures as Akash's DefaultErrorHandler writes them: `{"message": …}`. */
export function sendAuthError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {message})
}

export class BodyTooLarge extends Error {}

/** Reads a request body up to `limit` bytes; larger bodies are refused before they are buffered. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    return Promise.reject(new BodyTooLarge(`request body is larger than ${limit} bytes`))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge(`request body is larger than ${limit} bytes`))
        // Discard the rest (up to a bound) so the client reads the 413 instead of a reset.
        req.off('data', onData)
        let discarded = 0
        req.on('data', (c: Buffer) => {
          discarded += c.length
          if (discarded > 16 * limit) req.destroy()
        })
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
}

/** An HTTP answer written straight to a socket that never became a websocket. */
export function rawHttpResponse(status: number, body: string, contentType: string): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}
