import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {processAlive, processStartTime, spawnDetached, stopProcess} from '../../../src/lib/daemon.js'
import {sleep} from '../../../src/lib/sleep.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

function logFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-daemon-'))
  dirs.push(dir)
  return join(dir, 'out.log')
}

describe('the daemon kit', () => {
  it('tells a recorded process from another one that reused its pid', () => {
    const startTime = processStartTime(process.pid)
    expect(processAlive(process.pid)).toBe(true)
    if (startTime === undefined) return // no /proc here
    expect(processAlive(process.pid, startTime)).toBe(true)
    expect(processAlive(process.pid, String(Number(startTime) + 1))).toBe(false)
  })

  it('starts a detached process without secrets, logging to a file, and stops one that ignores SIGTERM', async () => {
    const log = logFile()
    const script = "process.on('SIGTERM', () => {}); console.log(JSON.stringify([process.env.EDGE_MNEMONIC ?? null, process.env.KEEP])); setInterval(() => {}, 1000)"
    const child = spawnDetached(process.execPath, ['-e', script], {logFile: log, env: {...process.env, EDGE_MNEMONIC: 'secret words', KEEP: 'yes'}})
    for (let i = 0; i < 100 && !readFileSync(log, 'utf8'); i++) await sleep(50)
    expect(JSON.parse(readFileSync(log, 'utf8'))).toEqual([null, 'yes'])
    const startTime = processStartTime(child.pid)
    expect(await stopProcess(child.pid, {timeoutMs: 200, ...(startTime ? {startTime} : {})})).toEqual({killed: true})
    expect(processAlive(child.pid, startTime)).toBe(false)
  })
})
