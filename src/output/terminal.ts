/**
 * Whether edge may draw (spinners, Ink views) and whether it may ask. Ink is mounted only when
 * stdin and stdout are TTYs, CI is unset and the output is plain text; in every other case a
 * prompt is an error that names the flag replacing it.
 */
export interface TerminalFacts {
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  stderrIsTTY: boolean
  ci: boolean
}

export function terminalFacts(env: NodeJS.ProcessEnv = process.env): TerminalFacts {
  return {
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    ci: isCI(env),
  }
}

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

/** May edge prompt and mount Ink? */
export function canPrompt(facts: TerminalFacts, mode: OutputMode): boolean {
  return mode === 'text' && facts.stdinIsTTY && facts.stdoutIsTTY && !facts.ci
}

/** May edge draw spinners on stderr? */
export function canAnimate(facts: TerminalFacts, mode: OutputMode): boolean {
  return facts.stderrIsTTY && !facts.ci && mode !== 'jsonl'
}

export type OutputMode = 'text' | 'json' | 'jsonl'

/** NO_COLOR (any value) or --no-color turns colour off; so does a stream that is not a TTY. */
export function colorEnabled(flagColor: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flagColor === false) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return isTTY
}
