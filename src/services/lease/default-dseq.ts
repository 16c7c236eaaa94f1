import {UsageError} from '../../errors.js'
import type {TenantContext} from './context.js'

/**
 * The deployment a command means when it is given no DSEQ: the tenant's only active one. With none or several,
 * a usage error that lists them, so the next try can name one.
 */
export async function defaultDseq(ctx: Pick<TenantContext, 'market' | 'owner' | 'network'>, command: string): Promise<bigint> {
  const active = await ctx.market.deployments(ctx.owner, 'active')
  if (active.length === 1) return active[0].id.dseq
  if (active.length === 0) {
    throw new UsageError(`No DSEQ given, and you have no active deployment on ${ctx.network.name}.`, {
      code: 'missing_dseq',
      hint: `Name one: \`edge ${command} DSEQ\` (\`edge ls --all\` lists closed ones too).`,
    })
  }
  const dseqs = active.map((d) => d.id.dseq.toString())
  throw new UsageError(`No DSEQ given, and you have ${active.length} active deployments: ${dseqs.join(', ')}.`, {
    code: 'missing_dseq',
    hint: `Name one: \`edge ${command} ${dseqs[0]}\`.`,
  })
}
