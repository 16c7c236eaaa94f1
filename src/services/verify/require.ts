/**
 * `edge verify --require FAMILY,…`: which checks must hold for the command to succeed. A family is a
 * set of check ids; a required family fails when one of its checks failed, when its evidence is a
 * MOCK (a mock proves nothing), or when none of its checks passed (skipped or never run: nothing
 * was proven either).
 */
import type {VerifyCheck} from '../../verify/check.js'

export const FAMILIES = {
  probe: (id: string) => id.startsWith('probe.'),
  demand: (id: string) => id.startsWith('demand.'),
  cpu: (id: string) => id === 'probe.cpu' || id === 'probe.cpu_model' || id === 'demand.cpu',
  memory: (id: string) => id === 'probe.memory' || id === 'demand.memory',
  disk: (id: string) => id === 'probe.disk',
  gpu: (id: string) => id.startsWith('probe.gpu') || id.startsWith('demand.gpu') || id.startsWith('gpu.'),
  tee: (id: string) => /^(quote|mock|snp|tdx|gpu)\./.test(id),
} as const satisfies Record<string, (id: string) => boolean>

export type Family = keyof typeof FAMILIES

export const FAMILY_NAMES = Object.keys(FAMILIES) as Family[]

export interface RequirementResult {
  family: Family
  ok: boolean
  /** Why it does not hold, in words. */
  reason?: string
}

export function checkRequirements(checks: readonly VerifyCheck[], required: readonly Family[]): RequirementResult[] {
  return required.map((family) => {
    const mine = checks.filter((c) => FAMILIES[family](c.check))
    const failed = mine.filter((c) => c.status === 'fail')
    if (failed.length > 0) return {family, ok: false, reason: failed.map((c) => `${c.check}${c.subject ? ` [${c.subject}]` : ''}: ${c.reason}`).join('; ')}
    if (mine.some((c) => c.status === 'mock')) return {family, ok: false, reason: 'the evidence is a MOCK, which proves nothing'}
    if (!mine.some((c) => c.status === 'pass')) {
      return {family, ok: false, reason: mine.length === 0 ? 'no check of it ran' : `nothing was proven (${mine.map((c) => `${c.check}: ${c.status}`).join(', ')})`}
    }
    return {family, ok: true}
  })
}

/** What `edge verify` requires when --require is not given: the probe and the demand tests, less the steps --skip leaves out (a skipped step proves nothing, so requiring it could only fail). */
export function defaultFamilies(skip: readonly string[]): Family[] {
  return (['probe', 'demand'] as const).filter((f) => !skip.includes(f))
}

/** `tee,gpu` → families; unknown names are a usage problem, returned as text. */
export function parseFamilies(list: readonly string[]): Family[] | string {
  const out: Family[] = []
  for (const raw of list.flatMap((l) => l.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (raw === 'none') continue
    if (!(raw in FAMILIES)) return `"${raw}" is not a check family (${FAMILY_NAMES.join(', ')}, or none)`
    if (!out.includes(raw as Family)) out.push(raw as Family)
  }
  return out
}
