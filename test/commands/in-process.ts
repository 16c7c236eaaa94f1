import {resolve} from 'node:path'

import {run} from '@oclif/core'
import {captureOutput, runCommand} from '@oclif/test'

import {assertOutputMatchesContract} from '../contract/validate.js'

export const ROOT = resolve(import.meta.dirname, '../..')

export interface InProcessResult {
  stdout: string
  stderr: string
  error?: Error & {oclif?: {exit?: number}}
  /** stdout parsed as JSON, when it is one document. */
  json?: any
}

/**
 * Runs `edge ARGS…` in this process (`runCommand`), resets the exit code it leaves behind and
 * checks what it printed against the committed contract (--json envelope or JSONL lines), as the
 * system tests' runEdge does for the binary.
 */
export async function edgeInProcess(args: string[]): Promise<InProcessResult> {
  const result = await runCommand(args, {root: ROOT})
  process.exitCode = undefined
  let json
  try {
    json = JSON.parse(result.stdout)
  } catch {
    json = undefined
  }
  assertOutputMatchesContract(args, result.stdout)
  return {...result, json} as InProcessResult
}

/**
 * Like edgeInProcess, but each argument reaches the command exactly as given. `runCommand` joins
 * the arguments and splits them again on whitespace, so a value holding a CR, a tab or a space
 * (what a paste leaves in a flag) would not arrive whole.
 */
export async function edgeInProcessExact(args: string[]): Promise<InProcessResult> {
  const result = await captureOutput(async () => run(args, {root: ROOT}))
  process.exitCode = undefined
  let json
  try {
    json = JSON.parse(result.stdout)
  } catch {
    json = undefined
  }
  assertOutputMatchesContract(args, result.stdout)
  return {...result, json} as InProcessResult
}
