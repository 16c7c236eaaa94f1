import {describe, expect, it} from 'vitest'

import {LEFT_THE_SHELL, shellEnding} from '../../../src/commands/shell.js'
import {ExitCode} from '../../../src/errors.js'

describe('how edge shell ends when its connection closes', () => {
  it('leaving with Ctrl-] is a normal end: exit 0, not an error', () => {
    expect(shellEnding({detached: true, aborted: false, error: new Error('closed')})).toEqual(LEFT_THE_SHELL)
    expect(LEFT_THE_SHELL.exitCode).toBe(0)
  })

  it('Ctrl-C is a cancellation with the exit code every command uses (130)', () => {
    expect(() => shellEnding({detached: false, aborted: true, error: new Error('closed')})).toThrow(expect.objectContaining({exitCode: ExitCode.cancelled}))
    expect(ExitCode.cancelled).toBe(130)
  })

  it('any other close is the error itself', () => {
    const error = new Error('provider went away')
    expect(() => shellEnding({detached: false, aborted: false, error})).toThrow(error)
  })
})
