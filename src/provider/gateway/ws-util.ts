import type {WebSocket} from 'ws'

/** Akash's private close codes (gateway/rest/router.go). */
export const WS_CLOSE = {normal: 1000, internal: 4000, leaseNotFound: 4001, serviceUnavailable: 4002} as const

const PING_EVERY_MS = 10_000
const PONG_WAIT_MS = 15_000

/**
 * Pings every 10 s and drops a client that has not answered within 15 s, as Akash's gateway does;
 * `onGone` fires once when the socket closes for any reason.
 */
export function keepAlive(ws: WebSocket, onGone: () => void): () => void {
  let lastPong = Date.now()
  ws.on('pong', () => (lastPong = Date.now()))
  const timer = setInterval(() => {
    if (Date.now() - lastPong > PING_EVERY_MS + PONG_WAIT_MS) {
      ws.terminate()
      return
    }
    try {
      ws.ping()
    } catch {
      // closed under us
    }
  }, PING_EVERY_MS)
  timer.unref()
  let done = false
  const finish = () => {
    if (done) return
    done = true
    clearInterval(timer)
    onGone()
  }
  ws.once('close', finish)
  ws.once('error', finish)
  return finish
}

/** Waits while the socket holds more than `limit` unsent bytes, so a slow reader slows the source. */
export async function drain(ws: WebSocket, limit = 4 * 1024 * 1024): Promise<void> {
  while (ws.bufferedAmount > limit && ws.readyState === ws.OPEN) {
    await new Promise((r) => setTimeout(r, 2))
  }
}

export function closeWith(ws: WebSocket, code: number, reason = ''): void {
  if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120))
}
