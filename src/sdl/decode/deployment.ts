import {formatSdlDuration, suggestSdlDuration} from '../durations.js'
import {parseGoDurationNanos} from '../go-compat.js'
import type {Reader} from '../reader.js'
import type {YNode} from '../source.js'
import type {SdlModel, SdlReclamation, ServiceDeployment} from '../types.js'
import {field, where} from './common.js'

const ENDPOINT_NAME = /^[a-z]+[-_0-9a-z]+$/

export function decodeDeployment(r: Reader, node: YNode, model: SdlModel): void {
  for (const svc of r.named(node, ['deployment'], 'deployment') ?? []) {
    const sp = ['deployment', svc.key]
    const placements = r.named(svc.value, sp, where(sp))
    if (!placements) continue
    const out: Record<string, ServiceDeployment> = {}
    let ok = true
    for (const pl of placements) {
      const pp = [...sp, pl.key]
      const fields = r.map(pl.value, pp, where(pp), {allowed: ['profile', 'count'], required: ['profile', 'count']})
      if (!fields) {
        ok = false
        continue
      }
      const profileEntry = field(fields, 'profile')
      const countEntry = field(fields, 'count')
      const profile = profileEntry && r.string(profileEntry.value, [...pp, 'profile'], where([...pp, 'profile']))
      const count =
        countEntry &&
        r.integer(countEntry.value, [...pp, 'count'], where([...pp, 'count']), {
          min: 1,
          max: 0xffffffff,
          hint: 'count is how many instances of the service to run; at least 1.',
        })
      if (profile === undefined || count === undefined) {
        ok = false
        continue
      }
      out[pl.key] = {profile, count}
    }
    if (ok) model.deployment[svc.key] = out
  }
}

export function decodeEndpoints(r: Reader, node: YNode, model: SdlModel): void {
  for (const ep of r.named(node, ['endpoints'], 'endpoints') ?? []) {
    const p = ['endpoints', ep.key]
    if (!ENDPOINT_NAME.test(ep.key)) {
      r.issues.error(p, 'bad-endpoint-name', `The endpoint name "${ep.key}" is not allowed.`, {
        at: 'key',
        hint: 'Endpoint names are at least two characters: lowercase letters first, then lowercase letters, digits, "-" or "_" (e.g. myip).',
      })
      continue
    }
    const fields = r.map(ep.value, p, where(p), {allowed: ['kind'], required: ['kind']})
    const kind = fields && field(fields, 'kind')
    if (!kind) continue
    const k = r.string(kind.value, [...p, 'kind'], where([...p, 'kind']), {enum: ['ip'], enumHint: 'The only endpoint kind is ip (a leased IP address).'})
    if (k !== undefined) model.endpoints[ep.key] = {kind: k}
  }
}

/**
 * `reclamation.min_window` (AEP-82). chain-sdk alpha.45's schema wants one whole number and a unit
 * of s, m or h; Go's parser takes any positive time.ParseDuration ("1h30m"), so that form is a
 * schema-only finding.
 */
export function decodeReclamation(r: Reader, node: YNode): SdlReclamation | undefined {
  const fields = r.map(node, ['reclamation'], 'reclamation', {allowed: ['min_window'], required: ['min_window']})
  const mw = fields && field(fields, 'min_window')
  if (!mw) return undefined
  const p = ['reclamation', 'min_window']
  const s = r.string(mw.value, p, where(p))
  if (s === undefined) return undefined
  const strict = /^[1-9][0-9]*(s|m|h)$/.test(s)
  const nanos = parseGoDurationNanos(s)
  if (nanos === undefined || nanos <= 0n) {
    const suggestion = suggestSdlDuration(s, ['h', 'm', 's'])
    r.issues.error(p, 'bad-window', `${where(p)} is "${s}", which is not a positive duration.`, {
      hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Write one whole number and one unit, e.g. "90m", "24h" or "3600s".`,
    })
    return undefined
  }
  if (!strict) {
    const wholeSeconds = (nanos + 999_999_999n) / 1_000_000_000n
    r.schemaOnly(p, 'bad-window', `${where(p)} is "${s}"; the SDL schema wants one whole number and one unit (s, m or h).`, {
      hint: `Write "${formatSdlDuration(wholeSeconds * 1000n, ['h', 'm', 's'])}".`,
    })
  }
  return {minWindow: s, seconds: Number(nanos) / 1e9}
}
