import {PassThrough} from 'node:stream'

import type {Config} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {EdgeCommand} from '../../../src/base-command.js'
import {CancelledError, ExitCode} from '../../../src/errors.js'
import {Output} from '../../../src/output/output.js'

/** A command that follows a stream the way logs -f, events -f and deploy --follow do, or runs work as deploy does. */
class Probe extends EdgeCommand<typeof Probe, void> {
  protected async execute(): Promise<void> {}

  constructor() {
    super([], {} as Config)
    const stream = new PassThrough()
    this.out = new Output({mode: 'text', color: false, verbose: false, facts: {stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, ci: true}, stdout: stream, stderr: stream})
  }

  pressCtrlC(): void {
    ;(this as unknown as {abortController: AbortController}).abortController.abort(new CancelledError())
  }

  followed(flow: AsyncIterable<{type: string}>): Promise<void> {
    return this.consumeFollowed(flow, {})
  }

  worked(flow: AsyncIterable<{type: string}>): Promise<void> {
    return this.consume(flow, {})
  }

  notice(): string | undefined {
    return this.cancelNotice('SIGINT')
  }
}

/** A stream that yields one event, then fails the way a stream does when Ctrl-C aborts it. */
function stoppedBy(probe: Probe): AsyncIterable<{type: string}> {
  return (async function* () {
    yield {type: 'line'}
    probe.pressCtrlC()
    throw new CancelledError('Cancelled by SIGINT.')
  })()
}

describe('Ctrl-C ends every command the same way (ux-test D28)', () => {
  it('ends a followed stream normally: exit 0 with the result', async () => {
    const probe = new Probe()
    await expect(probe.followed(stoppedBy(probe))).resolves.toBeUndefined()
  })

  it('cancels work that has not finished: exit 130', async () => {
    const probe = new Probe()
    await expect(probe.worked(stoppedBy(probe))).rejects.toMatchObject({exitCode: ExitCode.cancelled})
    expect(ExitCode.cancelled).toBe(130)
  })

  it('lets a followed stream fail with its own error when nobody pressed Ctrl-C', async () => {
    const probe = new Probe()
    const broken = (async function* () {
      yield {type: 'line'}
      throw new Error('provider went away')
    })()
    await expect(probe.followed(broken)).rejects.toThrow('provider went away')
  })

  it('says "cleaning up" only for work; Ctrl-C while following says nothing (nothing to clean up)', async () => {
    const probe = new Probe()
    expect(probe.notice()).toMatch(/cleaning up/)
    const seen: Array<string | undefined> = []
    const watched = (async function* () {
      seen.push(probe.notice())
      yield {type: 'line'}
    })()
    await probe.followed(watched)
    expect(seen).toEqual([undefined])
    expect(probe.notice()).toMatch(/cleaning up/)
  })
})
