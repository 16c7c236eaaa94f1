/**
 * A plan's identity: the sha256 of its canonical JSON (keys sorted, bigints as decimal strings,
 * bytes as hex, undefined and functions left out), so the same plan hashes the same in any
 * process and any change to what it would create changes the hash.
 */
import {createHash} from 'node:crypto'

import type {DeployPlan} from './plan.js'
import type {DeployInput} from './types.js'

export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'null'
}

function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'function' || typeof value === 'symbol') return undefined
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (Array.isArray(value)) return value.map((v) => normalize(v) ?? null)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[key])
      if (v !== undefined) out[key] = v
    }
    return out
  }
  return value
}

/** The input's choices, without what is not data: the parsed SDL (sdlHash stands for it), the signal, the screen function. */
export function hashedInput(input: DeployInput): Omit<DeployInput, 'validated' | 'signal' | 'screen'> {
  const {validated: _validated, signal: _signal, screen: _screen, ...choices} = input
  return choices
}

export function planHash(plan: Omit<DeployPlan, 'hash'> & {hash?: string}): string {
  const {hash: _hash, input, ...rest} = plan
  return createHash('sha256').update(canonicalJson({...rest, input: hashedInput(input)})).digest('hex')
}
