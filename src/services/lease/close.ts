/**
 * `edge close`: idempotent. Closing a deployment that is already closed succeeds and says so;
 * `--all`, `--label` and `--expired` select from the chain and the ledger.
 */
import {CancelledError, UsageError} from '../../errors.js'
import {matchesLabels} from '../ledger/ledger.js'
import type {TenantContext} from './context.js'
import {listDeployments} from './list.js'
import {count} from '../../lib/plural.js'

export interface CloseRequest {
  dseqs?: bigint[]
  all?: boolean
  labels?: Record<string, string>
  /** Deployments past their TTL or over their budget. */
  expired?: boolean
  signal?: AbortSignal
  /**
   * Asked with what was selected before anything is closed (`edge close --all` in a terminal);
   * false closes nothing and fails as cancelled. Not called when nothing was selected.
   */
  confirm?: (targets: CloseTarget[]) => Promise<boolean>
}

/** A deployment a request selected, with why and, from the ledger, its labels. */
export interface CloseTarget {
  dseq: bigint
  reason: string
  labels?: Record<string, string>
}

/**
 * Whether a request closes deployments the user did not name one by one: `--all` and `--label`
 * (not `--expired`, which is meant for cron jobs). Those are listed and confirmed in a terminal,
 * and need `--yes` elsewhere (ux-test D10).
 */
export function closeNeedsConfirmation(request: Pick<CloseRequest, 'dseqs' | 'all' | 'labels' | 'expired'>): boolean {
  if (request.dseqs?.length || request.expired) return false
  return Boolean(request.all) || Object.keys(request.labels ?? {}).length > 0
}

export interface CloseOutcome {
  dseq: bigint
  outcome: 'closed' | 'already_closed' | 'not_found' | 'failed'
  txHash?: string
  height?: number
  reason?: string
  error?: string
}

/** Which deployments a request selects (active ones, plus the explicitly named). */
export async function selectForClose(ctx: TenantContext, request: CloseRequest): Promise<CloseTarget[]> {
  if (request.dseqs?.length) return request.dseqs.map((dseq) => ({dseq, reason: 'owner'}))
  const labels = request.labels ?? {}
  const hasLabels = Object.keys(labels).length > 0
  if (!request.all && !hasLabels && !request.expired) {
    throw new UsageError('Name the deployments to close.', {hint: 'Pass DSEQ…, --all, --label k=v or --expired.', code: 'close_nothing'})
  }
  if (request.expired) {
    const rows = await listDeployments(ctx, {labels})
    return rows.filter((r) => r.state === 'active' && (r.expired || r.overBudget)).map((r) => ({dseq: r.dseq, reason: r.expired ? 'ttl expired' : 'over budget'}))
  }
  const active = await ctx.market.deployments(ctx.owner, 'active')
  const entries = new Map(ctx.ledger.list(ctx.network.name, ctx.owner).map((e) => [e.dseq.toString(), e]))
  return active
    .filter((d) => {
      if (!hasLabels) return true
      const entry = entries.get(d.id.dseq.toString())
      return entry !== undefined && matchesLabels(entry, labels)
    })
    .map((d) => {
      const labels = entries.get(d.id.dseq.toString())?.labels
      return {dseq: d.id.dseq, reason: 'owner', ...(labels && Object.keys(labels).length > 0 ? {labels} : {})}
    })
}

export async function closeDeployments(ctx: TenantContext, request: CloseRequest): Promise<CloseOutcome[]> {
  const tx = ctx.market.tx
  if (!tx) throw new Error('closing needs a signing market')
  const targets = await selectForClose(ctx, request)
  if (request.confirm && targets.length > 0 && !(await request.confirm(targets))) {
    throw new CancelledError('Nothing was closed.')
  }
  const outcomes: CloseOutcome[] = []
  for (const [i, {dseq, reason}] of targets.entries()) {
    if (request.signal?.aborted) {
      // Stopped before the rest: they still hold their deposits, so this is no success.
      const left = targets.slice(i).map((t) => t.dseq)
      throw new CancelledError(`Cancelled with ${count(left.length, 'deployment')} still open (${left.join(', ')}).`, {
        hint: 'Run the same `edge close` again to close them (closing is idempotent).',
        details: {closed: outcomes, open: left},
      })
    }
    const deployment = await ctx.market.deployment({owner: ctx.owner, dseq})
    if (!deployment) {
      outcomes.push({dseq, outcome: 'not_found', error: `deployment ${dseq} does not exist on ${ctx.network.name}`})
      continue
    }
    if (deployment.state === 'closed') {
      ctx.ledger.markClosed(ctx.network.name, ctx.owner, dseq, 'closed on chain')
      outcomes.push({dseq, outcome: 'already_closed'})
      continue
    }
    try {
      const result = await tx.closeDeployment(dseq)
      ctx.ledger.markClosed(ctx.network.name, ctx.owner, dseq, reason)
      outcomes.push({dseq, outcome: 'closed', txHash: result.txHash, height: result.height, reason})
    } catch (error) {
      // Closed meanwhile (escrow ran out, another run closed it): that is the state asked for.
      const again = await ctx.market.deployment({owner: ctx.owner, dseq}).catch(() => undefined)
      if (again?.state === 'closed') {
        ctx.ledger.markClosed(ctx.network.name, ctx.owner, dseq, 'closed on chain')
        outcomes.push({dseq, outcome: 'already_closed'})
      } else {
        outcomes.push({dseq, outcome: 'failed', error: (error as Error).message})
      }
    }
  }
  return outcomes
}

