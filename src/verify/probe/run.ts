/**
 * Runs the probe through an Exec and compares it with the claim: the one call `edge verify` makes
 * for the hardware part.
 */
import {type VerifyCheck, failCheck} from '../check.js'
import type {Exec} from '../exec.js'
import type {LeaseClaim} from './claim.js'
import {compareProbe} from './compare.js'
import {type ProbeFacts, parseProbe} from './parse.js'
import {probeArgv} from './script.js'

export interface ProbeResult {
  /** Undefined when the probe could not run at all. */
  facts?: ProbeFacts
  checks: VerifyCheck[]
  /** The raw output, for `--json` debugging and bug reports. */
  raw?: string
}

export async function runProbe(exec: Exec, claim: LeaseClaim, options: {timeoutMs?: number; signal?: AbortSignal} = {}): Promise<ProbeResult> {
  const mounts = claim.volumes.map((v) => v.mount).filter((m): m is string => Boolean(m))
  let result
  try {
    result = await exec(probeArgv(mounts), {timeoutMs: options.timeoutMs ?? 60_000, signal: options.signal})
  } catch (error) {
    return {checks: [failCheck('probe.run', `the probe could not be started in the container: ${error instanceof Error ? error.message : String(error)}`)]}
  }
  if (!result.stdout.includes('probe=edge-probe/1')) {
    const why = result.exitCode === 127 ? 'the image has no sh' : `sh exited ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`
    return {checks: [failCheck('probe.run', `the probe did not run: ${why}`, {exit_code: result.exitCode})], raw: result.stdout}
  }
  const facts = parseProbe(result.stdout)
  return {facts, checks: compareProbe(facts, claim), raw: result.stdout}
}
