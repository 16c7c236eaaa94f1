/**
 * The lease-shell websocket protocol (Akash provider gateway): binary frames whose first byte
 * says what the rest is.
 *   100 stdout (server → client) · 101 stderr · 102 result, JSON {exit_code, message?} ·
 *   103 failure (empty) · 104 stdin (client → server) · 105 terminal resize: uint16 BE width,
 *   then height.
 */
export const SHELL_STDOUT = 100
export const SHELL_STDERR = 101
export const SHELL_RESULT = 102
export const SHELL_FAILURE = 103
export const SHELL_STDIN = 104
export const SHELL_RESIZE = 105

export type ShellFrame =
  | {kind: 'stdout'; data: Uint8Array}
  | {kind: 'stderr'; data: Uint8Array}
  | {kind: 'result'; exitCode: number; message?: string}
  | {kind: 'failure'}
  | {kind: 'stdin'; data: Uint8Array}
  | {kind: 'resize'; width: number; height: number}

export function encodeStdin(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)
  return Buffer.concat([Buffer.from([SHELL_STDIN]), bytes])
}

export function encodeResize(width: number, height: number): Buffer {
  const frame = Buffer.alloc(5)
  frame[0] = SHELL_RESIZE
  frame.writeUInt16BE(clamp16(width), 1)
  frame.writeUInt16BE(clamp16(height), 3)
  return frame
}

function clamp16(n: number): number {
  return Math.max(0, Math.min(0xffff, Math.floor(n)))
}

/** Server-side frames, for the fake providers in tests and for symmetry. */
export function encodeOutput(kind: 'stdout' | 'stderr', data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)
  return Buffer.concat([Buffer.from([kind === 'stdout' ? SHELL_STDOUT : SHELL_STDERR]), bytes])
}

export function encodeResult(exitCode: number, message?: string): Buffer {
  const body = JSON.stringify(message ? {exit_code: exitCode, message} : {exit_code: exitCode})
  return Buffer.concat([Buffer.from([SHELL_RESULT]), Buffer.from(body, 'utf8')])
}

export class ShellProtocolError extends Error {}

export function decodeFrame(frame: Uint8Array): ShellFrame {
  if (frame.length === 0) throw new ShellProtocolError('the provider sent an empty shell frame')
  const data = frame.subarray(1)
  switch (frame[0]) {
    case SHELL_STDOUT:
      return {kind: 'stdout', data}
    case SHELL_STDERR:
      return {kind: 'stderr', data}
    case SHELL_RESULT: {
      let parsed: {exit_code?: unknown; message?: unknown}
      try {
        parsed = JSON.parse(Buffer.from(data).toString('utf8'))
      } catch {
        throw new ShellProtocolError('the provider sent an unreadable shell result')
      }
      const exitCode = typeof parsed.exit_code === 'number' ? parsed.exit_code : 0
      const message = typeof parsed.message === 'string' && parsed.message !== '' ? parsed.message : undefined
      return {kind: 'result', exitCode, ...(message ? {message} : {})}
    }
    case SHELL_FAILURE:
      return {kind: 'failure'}
    case SHELL_STDIN:
      return {kind: 'stdin', data}
    case SHELL_RESIZE:
      if (data.length < 4) throw new ShellProtocolError('a resize frame needs 4 bytes')
      return {kind: 'resize', width: Buffer.from(data).readUInt16BE(0), height: Buffer.from(data).readUInt16BE(2)}
    default:
      throw new ShellProtocolError(`the provider sent an unknown shell frame code ${frame[0]}`)
  }
}
