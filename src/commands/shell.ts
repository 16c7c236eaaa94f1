import {Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {CancelledError, UsageError} from '../errors.js'
import {dseqArg, keyFlag} from '../flags.js'
import {openTenant} from '../services/lease/context.js'
import {openShell} from '../services/lease/streams.js'
import {promptPassword} from '../ui/prompts.js'

export interface ShellCommandResult {
  dseq: bigint
  service: string
  exitCode: number
  message?: string
  /** Captured output (JSON modes only). */
  stdout?: string
  stderr?: string
}

/** Ctrl-] is the way out of a shell, as `exit` is: it ends edge normally, with exit code 0. */
export const LEFT_THE_SHELL = {exitCode: 0, message: 'Left the shell (Ctrl-]).'}

/**
 * How a shell whose connection ended with an error ends: leaving with Ctrl-] is a normal end (exit 0), Ctrl-C a
 * cancellation (130, as in every command), anything else the error itself.
 */
export function shellEnding(input: {detached: boolean; aborted: boolean; error: unknown}): typeof LEFT_THE_SHELL {
  if (input.detached) return LEFT_THE_SHELL
  // Ctrl-C closed the connection: that is a cancellation (130), not a provider failure.
  if (input.aborted) throw new CancelledError('Cancelled; the shell connection was closed.')
  throw input.error
}

export default class Shell extends EdgeCommand<typeof Shell, ShellCommandResult> {
  static summary = "Run a command in a service's container, or open an interactive shell."
  static description =
    "With a command after `--`, runs it once and exits with the command's own exit code. Without one, opens /bin/sh with a terminal (in a TTY); Ctrl-] leaves it. A provider without terminals (edge dev's host processes) gets a line-mode shell instead: your terminal echoes and edits the line, Enter runs it, Ctrl-D leaves. Uses the provider's lease-shell websocket."
  static examples = [
    '<%= config.bin %> <%= command.id %> 123 -- echo hi',
    '<%= config.bin %> <%= command.id %> 123 --service web -- sh -c "ls /"',
    '<%= config.bin %> <%= command.id %> 123',
  ]
  static strict = false
  static handlesSignals = true
  static args = {dseq: dseqArg({description: 'Deployment sequence number.', required: true})}
  static flags = {
    service: Flags.string({char: 's', description: 'Service to run in (needed when the deployment has several).'}),
    tty: Flags.boolean({char: 't', allowNo: true, description: 'Allocate a terminal (default: only for an interactive shell).'}),
    stdin: Flags.boolean({char: 'i', description: 'Forward standard input (default: only with a terminal).'}),
    replica: Flags.integer({description: 'Replica (pod) index.', default: 0, min: 0}),
    key: keyFlag,
  }

  protected async execute(): Promise<ShellCommandResult> {
    const {dseq} = this.args
    const dash = this.argv.indexOf('--')
    const cmd = dash >= 0 ? this.argv.slice(dash + 1) : []
    const interactiveShell = cmd.length === 0
    if (interactiveShell && !this.interactive) {
      throw new UsageError('An interactive shell needs a terminal.', {hint: 'Pass the command to run after `--`, e.g. `edge shell 123 -- ls /`.'})
    }
    const tty = this.flags.tty ?? interactiveShell
    const forwardStdin = this.flags.stdin || tty
    const capture = this.out.mode !== 'text'
    const out: Buffer[] = []
    const err: Buffer[] = []
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true})
    const stdin = process.stdin
    const restore: Array<() => void> = []
    let detached = false
    try {
      const {session, service, lineMode} = await openShell(ctx, dseq, {
        ...(this.flags.service ? {service: this.flags.service} : {}),
        cmd: interactiveShell ? ['/bin/sh'] : cmd,
        tty,
        stdin: forwardStdin,
        interactive: interactiveShell && this.flags.tty !== false,
        onStdout: (d) => (capture ? out.push(Buffer.from(d)) : process.stdout.write(d)),
        onStderr: (d) => (capture ? err.push(Buffer.from(d)) : process.stderr.write(d)),
        signal: this.signal,
      })
      if (lineMode) {
        this.out.info(
          this.out.errStyle.dim(
            `This provider runs host processes and has no terminal: line mode. Type a command and press Enter; Ctrl-D leaves. (One command: edge shell ${dseq} -- CMD)`,
          ),
        )
      }
      if (forwardStdin || lineMode) {
        if (tty && !lineMode && stdin.isTTY) {
          stdin.setRawMode(true)
          restore.push(() => stdin.setRawMode(false))
          const resize = () => session.resize(process.stdout.columns ?? 80, process.stdout.rows ?? 24)
          resize()
          process.stdout.on('resize', resize)
          restore.push(() => process.stdout.off('resize', resize))
        }
        const onData = (chunk: Buffer) => {
          // Ctrl-] leaves the session from this side, like telnet: the remote may have no
          // terminal to turn Ctrl-C into a signal.
          if (tty && !lineMode && chunk.includes(0x1d)) {
            detached = true
            session.close()
            return
          }
          session.write(chunk)
        }
        // End of input (Ctrl-D in line mode, the end of a pipe) ends the remote command's stdin.
        const onEnd = () => session.write(new Uint8Array())
        stdin.on('data', onData)
        stdin.once('end', onEnd)
        stdin.resume()
        restore.push(() => {
          stdin.off('data', onData)
          stdin.off('end', onEnd)
          stdin.pause()
        })
      }
      const result = await session.done.then(
        (done) => (detached ? LEFT_THE_SHELL : done),
        (error: unknown) => shellEnding({detached, aborted: this.signal.aborted, error}),
      )
      if (result === LEFT_THE_SHELL) this.out.info(this.out.errStyle.dim(LEFT_THE_SHELL.message))
      return {
        dseq,
        service,
        exitCode: result.exitCode,
        ...(result.message ? {message: result.message} : {}),
        ...(capture ? {stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')} : {}),
      }
    } finally {
      for (const r of restore.reverse()) r()
      await ctx.close()
    }
  }

  public async run(): Promise<ShellCommandResult> {
    const result = await super.run()
    // The remote command's exit code is edge's exit code.
    if (result.exitCode !== 0) {
      if (this.out.mode === 'json') this.logJson(this.toSuccessJson(result))
      if (result.message) process.stderr.write(`${result.message}\n`)
      this.exit(result.exitCode)
    }
    return result
  }

  protected renderText(): string | undefined {
    return undefined
  }
}
