import {describe, expect, it} from 'vitest'

import type {ShellOptions, ShellResult, ShellSession} from '../../../src/provider-client/shell-session.js'
import type {LeaseRef} from '../../../src/provider-client/types.js'
import {localExec, providerShellExec} from '../../../src/verify/exec.js'

const lease: LeaseRef = {owner: 'akash1o', provider: 'akash1p', dseq: 5n, gseq: 1, oseq: 1}

/** A provider shell that answers each command with `answer`, or never when it is undefined. */
function fakeShell(answer?: {stdout?: string; stderr?: string; exitCode: number}) {
  const seen: ShellOptions[] = []
  let closed = false
  return {
    seen,
    closed: () => closed,
    shell: async (_lease: LeaseRef, options: ShellOptions): Promise<ShellSession> => {
      seen.push(options)
      let settle: (r: ShellResult) => void = () => undefined
      let fail: (e: Error) => void = () => undefined
      const done = new Promise<ShellResult>((resolve, reject) => {
        settle = resolve
        fail = reject
      })
      if (answer) {
        options.onStdout(new TextEncoder().encode(answer.stdout ?? ''))
        options.onStderr(new TextEncoder().encode(answer.stderr ?? ''))
        settle({exitCode: answer.exitCode})
      }
      return {
        write: () => undefined,
        resize: () => undefined,
        close: () => {
          closed = true
          fail(new Error('closed'))
        },
        done,
      }
    },
  }
}

describe('the Exec seam', () => {
  it('runs argv in the service over the provider shell, non-interactive, and collects the output', async () => {
    const shell = fakeShell({stdout: 'probe=edge-probe/1\n', stderr: 'warn\n', exitCode: 0})
    const exec = providerShellExec(shell, lease, 'web', {podIndex: 2})
    expect(await exec(['sh', '-c', 'echo hi'])).toEqual({exitCode: 0, stdout: 'probe=edge-probe/1\n', stderr: 'warn\n'})
    expect(shell.seen[0]).toMatchObject({service: 'web', cmd: ['sh', '-c', 'echo hi'], tty: false, stdin: false, podIndex: 2})
  })

  it('closes the shell on timeout and answers 124, as timeout(1) does', async () => {
    const shell = fakeShell()
    const result = await providerShellExec(shell, lease, 'web')(['sleep', '100'], {timeoutMs: 20})
    expect(result.exitCode).toBe(124)
    expect(result.stderr).toMatch(/timed out after 20 ms/)
    expect(shell.closed()).toBe(true)
  })

  it('runs locally with the exit code, and kills on timeout', async () => {
    expect(await localExec()(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({exitCode: 3, stdout: 'out\n', stderr: 'err\n'})
    expect((await localExec()(['sleep', '5'], {timeoutMs: 50})).exitCode).toBe(124)
  })
})
