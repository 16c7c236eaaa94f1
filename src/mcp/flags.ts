/**
 * The limit flags `edge mcp` and `edge mcp limits` share; each one, given, replaces the file's
 * value for this run (or, with `edge mcp limits --save`, in the file).
 */
import {Flags} from '@oclif/core'

import type {LimitsFile} from './limits.js'

export const limitFlags = {
  'allow-spend': Flags.boolean({description: 'Let tools change chain state (apply, close, deposit). Without it the server is read-only.', allowNo: true}),
  'max-usd-per-hour': Flags.string({description: 'Most an agent deployment may cost per hour, in USD (at the order\'s maximum price), e.g. 0.5.'}),
  'max-deposit': Flags.string({description: 'Most an agent deployment may hold in escrow, in USD, e.g. 2.'}),
  'budget-per-day': Flags.string({description: 'Most the agent may pay per UTC day (deposits less refunds), in USD.'}),
  'budget-total': Flags.string({description: 'Most the agent may pay in total, in USD.'}),
  ttl: Flags.string({description: 'Every agent deployment ends after this long (default 1h); the deposit is sized so the chain ends it too.'}),
  image: Flags.string({description: 'Allowed image, by name (nginx), name:tag or digest (sha256:…); repeatable. None: any image.', multiple: true}),
  provider: Flags.string({description: 'Allowed provider address; repeatable. None: any provider.', multiple: true}),
  region: Flags.string({description: 'Allowed provider region or country (prefix or glob); repeatable. None: anywhere.', multiple: true}),
  'max-deployments': Flags.integer({description: 'Most agent deployments open at once (default 2).', min: 1}),
  'sdl-dir': Flags.string({description: 'Directory SDL paths given to plan must lie in; repeatable (default: the current directory).', multiple: true}),
  'plan-validity': Flags.string({description: 'How long a plan may be applied after it was made (default 5m).'}),
}

type LimitFlagValues = {
  'allow-spend'?: boolean
  'max-usd-per-hour'?: string
  'max-deposit'?: string
  'budget-per-day'?: string
  'budget-total'?: string
  ttl?: string
  image?: string[]
  provider?: string[]
  region?: string[]
  'max-deployments'?: number
  'sdl-dir'?: string[]
  'plan-validity'?: string
}

/** The flags given, in the file's form. */
export function limitsFromFlags(f: LimitFlagValues): LimitsFile {
  const out: LimitsFile = {}
  if (f['allow-spend'] !== undefined) out.allowSpend = f['allow-spend']
  if (f['max-usd-per-hour'] !== undefined) out.maxUsdPerHour = f['max-usd-per-hour']
  if (f['max-deposit'] !== undefined) out.maxDeposit = f['max-deposit']
  if (f['budget-per-day'] !== undefined) out.budgetPerDay = f['budget-per-day']
  if (f['budget-total'] !== undefined) out.budgetTotal = f['budget-total']
  if (f.ttl !== undefined) out.ttl = f.ttl
  if (f.image?.length) out.images = f.image
  if (f.provider?.length) out.providers = f.provider
  if (f.region?.length) out.regions = f.region
  if (f['max-deployments'] !== undefined) out.maxDeployments = f['max-deployments']
  if (f['sdl-dir']?.length) out.sdlDirs = f['sdl-dir']
  if (f['plan-validity'] !== undefined) out.planValidity = f['plan-validity']
  return out
}
