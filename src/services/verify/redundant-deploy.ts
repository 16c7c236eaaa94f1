/**
 * `edge deploy FILE --redundant N --result-file PATH`: the same deterministic job on N distinct
 * providers, one deployment each, then the SHA-256 of the job's declared output from every
 * container (read over the provider's shell API once the file exists) and their k-of-n agreement
 * (src/verify/redundant). A provider that skips the work or runs something else returns a hash the
 * others do not; it cannot know what they returned.
 *
 * The deployments are labelled `edge.redundant=<id>` and stay open (the outputs live in them):
 * `edge close --label edge.redundant=<id>` ends them together.
 */
import {randomBytes} from 'node:crypto'

import {EdgeError, NoBidsError, UsageError} from '../../errors.js'
import {type VerifyCheck} from '../../verify/check.js'
import {providerShellExec} from '../../verify/exec.js'
import {type AgreementReport, agreement, agreementCheck} from '../../verify/redundant/agreement.js'
import {deploy} from '../deploy/deploy.js'
import type {DeployEvent} from '../deploy/events.js'
import type {DeployDeps, DeployOptions, DeployResult} from '../deploy/types.js'
import type {TenantContext} from '../lease/context.js'
import {leaseForService} from '../lease/streams.js'
import {count} from '../../lib/plural.js'

export interface RedundantOptions {
  n: number
  /** Path of the job's output inside its container. */
  resultFile: string
  /** How long to wait for the output to appear in each container. */
  resultTimeoutMs: number
  /** Poll interval (tests). */
  pollMs?: number
}

export interface RedundantRun {
  dseq: bigint
  provider: string
  sha256?: string
  error?: string
}

export interface RedundantSummary {
  id: string
  resultFile: string
  runs: RedundantRun[]
  agreement: AgreementReport
  check: VerifyCheck
  /** Providers tried that did not bid or failed before running the job. */
  skipped: Array<{provider: string; reason: string}>
}

type Sink = (e: DeployEvent) => void

/**
 * Deploys once with the caller's choice, then on other providers one at a time until N distinct
 * ones run the job; returns the first deployment's result and the summary.
 */
export async function deployRedundant(ctx: TenantContext, deps: DeployDeps, options: DeployOptions, r: RedundantOptions, sink: Sink): Promise<{first: DeployResult; redundant: RedundantSummary}> {
  if (r.n < 2) throw new UsageError('--redundant needs at least 2 providers.')
  if (options.dryRun) throw new UsageError('--redundant cannot be combined with --dry-run.')
  if (options.idempotencyKey) throw new UsageError('--redundant opens several deployments, so it cannot take one --idempotency-key.')
  const id = randomBytes(4).toString('hex')
  const labelled = {...options, labels: {...options.labels, 'edge.redundant': id}}
  const results: DeployResult[] = []
  const skipped: RedundantSummary['skipped'] = []
  const first = await drain(deploy(deps, labelled), sink)
  results.push(first)
  const used = new Set(first.leases.map((l) => l.provider))
  const candidates = (await ctx.market.providers()).map((p) => p.owner).filter((p) => !used.has(p))
  for (const provider of candidates) {
    if (results.length >= r.n || options.signal.aborted) break
    try {
      const result = await drain(deploy(deps, {...labelled, select: provider}), sink)
      results.push(result)
      for (const l of result.leases) used.add(l.provider)
    } catch (error) {
      if (!(error instanceof NoBidsError) && !(error instanceof EdgeError && error.exitCode === 5)) throw error
      skipped.push({provider, reason: error.message})
    }
  }
  if (results.length < r.n) {
    throw new NoBidsError(`Only ${count(results.length, 'distinct provider')} ran the job; --redundant ${r.n} needs ${r.n}.`, {
      hint: `The deployments are labelled edge.redundant=${id}; close them with \`edge close --label edge.redundant=${id} --yes\`, or ask for fewer with --redundant.`,
      details: {dseqs: results.map((x) => x.dseq.toString()), skipped},
    })
  }
  const runs = await Promise.all(results.map((x) => outputHash(ctx, x, r)))
  const report = agreement(runs.map((x) => ({provider: x.provider, ...(x.sha256 ? {hash: x.sha256} : {}), ...(x.error ? {error: x.error} : {})})))
  return {first, redundant: {id, resultFile: r.resultFile, runs, agreement: report, check: agreementCheck(report), skipped}}
}

/** Waits until the output exists in the container, then hashes it there (sha256sum, in busybox and coreutils). */
async function outputHash(ctx: TenantContext, result: DeployResult, r: RedundantOptions): Promise<RedundantRun> {
  const provider = result.leases[0]?.provider ?? 'unknown'
  try {
    const {handle, service} = await leaseForService(ctx, result.dseq)
    const exec = providerShellExec(handle.client, handle.ref, service)
    const deadline = Date.now() + r.resultTimeoutMs
    const script = 'f=$1; [ -f "$f" ] || exit 3; command -v sha256sum >/dev/null 2>&1 || exit 4; sha256sum "$f"'
    for (;;) {
      const out = await exec(['sh', '-c', script, 'edge-output', r.resultFile], {timeoutMs: 60_000})
      if (out.exitCode === 0) {
        const hash = /^([0-9a-f]{64})\b/.exec(out.stdout.trim())?.[1]
        if (hash) return {dseq: result.dseq, provider, sha256: hash}
        return {dseq: result.dseq, provider, error: `sha256sum printed no hash: ${out.stdout.trim().slice(0, 80)}`}
      }
      if (out.exitCode === 4) return {dseq: result.dseq, provider, error: 'the image has no sha256sum'}
      if (out.exitCode !== 3) return {dseq: result.dseq, provider, error: `reading ${r.resultFile} failed (exit ${out.exitCode}): ${out.stderr.trim().slice(0, 120)}`}
      if (Date.now() >= deadline) return {dseq: result.dseq, provider, error: `${r.resultFile} did not appear within ${Math.round(r.resultTimeoutMs / 1000)} s`}
      await new Promise((res) => setTimeout(res, r.pollMs ?? 2000))
    }
  } catch (error) {
    return {dseq: result.dseq, provider, error: error instanceof Error ? error.message : String(error)}
  }
}

async function drain<E, R>(flow: AsyncGenerator<E, R>, sink: (e: E) => void): Promise<R> {
  for (;;) {
    const next = await flow.next()
    if (next.done) return next.value
    sink(next.value)
  }
}
