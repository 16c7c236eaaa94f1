import {readFileSync} from 'node:fs'

import {processAlive} from '../../lib/daemon.js'

/** `<data>/provider/<name>/provider.pid`: written by `edge provide start`, one process per provider. */
export const PID_FILE = 'provider.pid'

/** The pid a pid file names, when that process is alive (a zombie is not); else undefined. */
export function livePid(file: string): number | undefined {
  let pid: number
  try {
    pid = Number(readFileSync(file, 'utf8').trim())
  } catch {
    return undefined
  }
  return processAlive(pid) ? pid : undefined
}

export {processAlive}
