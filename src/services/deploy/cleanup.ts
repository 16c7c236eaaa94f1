/**
 * The cleanup phase: money is never left locked. Once the deployment exists, a failure or Ctrl-C
 * closes it (unless --keep), the ledger records why, and the error's hint says what still works.
 */
import {CancelledError, EdgeError, ServiceFailedError} from '../../errors.js'
import type {DeployEvent} from './events.js'
import type {RunState} from './state.js'

/** Closes the deployment after a failure or Ctrl-C, unless --keep; the error's hint then says what still works. */
export async function* cleanup(run: RunState, error: unknown): AsyncGenerator<DeployEvent, void> {
  const {ctx, clock, dseq} = run
  if (dseq === undefined || !run.ownsDeployment) return
  const reason = error instanceof CancelledError ? 'cancelled' : error instanceof EdgeError ? error.code : 'failed'
  if (run.input.keep) {
    yield clock.event({type: 'warning', message: `Keeping deployment ${dseq} (--keep); close it with \`edge close ${dseq}\`.`})
    ctx.ledger.update(run.network, run.owner, dseq, {closeReason: `kept after ${reason}`})
    failureHint(error, dseq, 'kept')
    return
  }
  yield clock.step('close', 'started', `Closing deployment ${dseq} so its deposit is not left locked`)
  try {
    const result = await ctx.market.tx!.closeDeployment(dseq)
    ctx.ledger.markClosed(run.network, run.owner, dseq, reason, 'failed')
    yield clock.event({type: 'deployment_closed', dseq, reason, txHash: result.txHash})
    yield clock.step('close', 'succeeded', `Closed deployment ${dseq}; the deposit is refunded`, result.height)
    failureHint(error, dseq, 'closed')
  } catch (closeError) {
    const onChain = await ctx.market.deployment({owner: run.owner, dseq}).catch(() => undefined)
    if (onChain?.state === 'closed') {
      ctx.ledger.markClosed(run.network, run.owner, dseq, reason, 'failed')
      yield clock.event({type: 'deployment_closed', dseq, reason})
      yield clock.step('close', 'succeeded', `Deployment ${dseq} is closed`)
      failureHint(error, dseq, 'closed')
      return
    }
    yield clock.step('close', 'failed', (closeError as Error).message)
    yield clock.event({type: 'warning', message: `Could not close deployment ${dseq}: ${(closeError as Error).message}. Close it with \`edge close ${dseq}\`.`})
    appendHint(error, `Deployment ${dseq} is still open: run \`edge close ${dseq}\`.`)
  }
}

/** A hint naming a command on one deployment (`edge logs 12`, `edge status DSEQ`): useless once it is closed. */
const DEPLOYMENT_COMMAND = /`edge (?:status|update|logs|events|shell|deposit|bids) [^`]*`/

/**
 * The hint of a failed run, once we know whether its deployment was closed or kept (--keep): never
 * a command that can no longer work on a closed deployment, never "rerun with --keep" when it was.
 */
function failureHint(error: unknown, dseq: bigint, outcome: 'closed' | 'kept'): void {
  if (!(error instanceof EdgeError) || error instanceof CancelledError) return
  const set = (hint: string | undefined) => {
    ;(error as {hint?: string}).hint = hint
  }
  const workload = error instanceof ServiceFailedError || error.code === 'services_not_ready'
  const timeout = error.code === 'services_not_ready' ? ' (or raise --ready-timeout if it only starts slowly)' : ''
  if (outcome === 'kept') {
    if (workload) set(`Deployment ${dseq} is kept (--keep): see \`edge logs ${dseq}\` and \`edge events ${dseq}\`, fix the SDL and \`edge update ${dseq} FILE\`${timeout}, or close it with \`edge close ${dseq}\`.`)
    return
  }
  if (workload) {
    // The provider's "next restart in 1 s" stopped being true when the deployment was closed.
    if (error instanceof ServiceFailedError) error.message = error.message.replace(/; next restart in \d+ s\)/g, ')').replace(/ \(next restart in \d+ s\)/g, '')
    const fix = error instanceof ServiceFailedError ? 'Fix the service in the SDL (its command, image or port) and deploy again' : 'Deploy again'
    set(`${fix}${timeout}. Deployment ${dseq} was closed and its deposit refunded; with --keep a failed deployment stays open for \`edge logs\` and \`edge events\`.`)
    return
  }
  if (error.hint && DEPLOYMENT_COMMAND.test(error.hint)) set(`Deployment ${dseq} was closed and its deposit refunded; deploy again with \`edge deploy\`.`)
}

/** Adds what to do about a deployment left open to an error's hint (once). */
export function appendHint(error: unknown, text: string): void {
  if (!(error instanceof EdgeError) || error.hint?.includes('edge close')) return
  ;(error as {hint?: string}).hint = `${error.hint ? error.hint + ' ' : ''}${text}`
}
