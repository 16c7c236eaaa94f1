import {parseGoDuration} from '../../sdl/go-compat.js'
import type {ReclaimRule, ReclamationConfig} from './provider-config.js'

/** `reclamation:` — windows as Go durations (`1h`, `30m`, `90s`) or whole seconds. */
export function reclamationConfig(raw: Record<string, unknown>, bad: (field: string, why: string) => Error): ReclamationConfig {
  const seconds = (v: unknown, field: string): number | undefined => {
    if (v === undefined || v === null) return undefined
    const s = typeof v === 'number' ? v : parseGoDuration(String(v))
    if (s === undefined || !Number.isFinite(s) || s <= 0) throw bad(field, `"${String(v)}" is not a duration such as 1h or 30m`)
    return Math.ceil(s)
  }
  if (raw.accept !== undefined && typeof raw.accept !== 'boolean') throw bad('reclamation.accept', 'must be true or false')
  // `window: 1h` by hand; `windowS: 3600` as `edge provide init` writes the parsed config back.
  const windowS = seconds(raw.window ?? raw.windowS, 'reclamation.window')
  const maxWindowS = seconds(raw.maxWindow ?? raw.maxWindowS, 'reclamation.maxWindow')
  if (windowS !== undefined && maxWindowS !== undefined && windowS > maxWindowS) throw bad('reclamation.window', 'is longer than reclamation.maxWindow')
  const rules = reclaimRules(raw.rules, bad)
  return {accept: raw.accept !== false, ...(windowS !== undefined ? {windowS} : {}), ...(maxWindowS !== undefined ? {maxWindowS} : {}), rules}
}

/** `reclamation.rules: [{gpus: [0, 1], reason: GPU wanted back for training}]`. */
function reclaimRules(raw: unknown, bad: (field: string, why: string) => Error): ReclaimRule[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw bad('reclamation.rules', 'must be a list such as [{gpus: [0], reason: GPU wanted back}]')
  return raw.map((r: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped YAML entry, validated below
    const field = `reclamation.rules[${i}]`
    const gpus = Array.isArray(r?.gpus) ? r.gpus : r?.gpus === undefined ? undefined : [r.gpus]
    if (!gpus || gpus.length === 0 || !gpus.every((g: unknown) => Number.isInteger(g) && (g as number) >= 0)) {
      throw bad(`${field}.gpus`, 'must list GPU indexes (capacity.gpus[].index), such as [0, 1]')
    }
    const reason = r.reason === undefined ? 'unspecified' : String(r.reason).trim()
    if (!reason) throw bad(`${field}.reason`, 'must not be empty')
    return {gpus: gpus as number[], reason}
  })
}
