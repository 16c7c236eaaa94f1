import {parseLegacyDec} from '../dec.js'
import {goCompare} from '../go-compat.js'
import {type Reader, suggest} from '../reader.js'
import {formatPath, type Path, type YNode} from '../source.js'
import type {Attribute, PlacementProfile, PriceDef} from '../types.js'
import {field, PRICE_DENOMS, where} from './common.js'

const PLACEMENT_KEYS = ['attributes', 'pricing', 'signedBy'] as const
/** sdk.ValidateDenom. */
const COSMOS_DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/

export function decodePlacement(r: Reader, node: YNode, path: Path): PlacementProfile | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: PLACEMENT_KEYS, required: ['pricing'], emptyAsAbsent: ['attributes', 'signedBy']})
  if (!entries) return undefined
  const out: PlacementProfile = {attributes: null, signedBy: {allOf: null, anyOf: null}, pricing: {}}
  for (const e of entries) {
    const p = [...path, e.key]
    if (e.key === 'attributes') {
      const list: Attribute[] = []
      for (const a of r.named(e.value, p, where(p)) ?? []) {
        const ap = [...p, a.key]
        const k = r.kind(a.value)
        if (k === 'map' || k === 'seq' || k === 'other') {
          r.issues.error(ap, 'wrong-type', `${where(ap)} must be a single value, not ${r.describe(a.value)}.`, {
            hint: 'Placement attributes are exact key: value matches, e.g. region: us-west.',
          })
          continue
        }
        list.push({key: a.key, value: r.text(a.value)})
      }
      if (list.length > 0) out.attributes = list.sort((a, b) => goCompare(a.key, b.key))
    } else if (e.key === 'signedBy') {
      const sb = r.map(e.value, p, where(p), {allowed: ['allOf', 'anyOf'], emptyAsAbsent: ['allOf', 'anyOf']})
      for (const s of sb ?? []) {
        const list = r.strings(s.value, [...p, s.key], where([...p, s.key]))
        if (list) out.signedBy[s.key as 'allOf' | 'anyOf'] = list
      }
    } else if (e.key === 'pricing') {
      for (const pr of r.named(e.value, p, where(p)) ?? []) {
        const price = decodePrice(r, pr.value, [...p, pr.key])
        if (price) out.pricing[pr.key] = price
      }
    }
  }
  return r.issues.errorCount > before ? undefined : out
}

export function decodePrice(r: Reader, node: YNode, path: Path): PriceDef | undefined {
  const entries = r.map(node, path, where(path), {allowed: ['denom', 'amount'], required: ['denom', 'amount']})
  if (!entries) return undefined
  const denomEntry = field(entries, 'denom')
  const amountEntry = field(entries, 'amount')
  let amount: bigint | undefined
  let amountText = ''
  if (amountEntry) {
    const ap = [...path, 'amount']
    const kind = r.kind(amountEntry.value)
    amountText = r.text(amountEntry.value)
    if (kind !== 'string' && kind !== 'number') {
      r.issues.error(ap, 'wrong-type', `${where(ap)} must be a number, not ${r.describe(amountEntry.value)}.`)
    } else {
      const dec = parseLegacyDec(amountText)
      if (!dec.ok) {
        r.issues.error(ap, 'bad-amount', `${where(ap)} is ${kind === 'string' ? `"${amountText}"` : amountText}, which ${dec.problem}.`, {
          hint: 'Write the per-block price as digits with at most 18 decimal places, e.g. amount: 1000.',
        })
      } else if (dec.value < 0n) {
        r.issues.error(ap, 'negative-amount', `${where(ap)} is negative.`, {hint: 'A price must be more than 0.'})
      } else if (dec.value === 0n) {
        r.issues.error(ap, 'zero-amount', `${where(ap)} is 0; Akash does not accept a zero price.`, {
          hint: 'Set the most you will pay per block, e.g. amount: 1000 (uact; 1,000,000 uact = 1 ACT ≈ 1 USD).',
        })
      } else {
        if (kind === 'string' && !/^[0-9]+(\.[0-9]+)?$/.test(amountText)) {
          r.schemaOnly(ap, 'bad-amount', `${where(ap)} is "${amountText}", which the SDL schema does not accept.`, {hint: 'Write plain digits, e.g. amount: 1000.'})
        }
        amount = dec.value
      }
    }
  }
  let denom: string | undefined
  if (denomEntry) {
    const dp = [...path, 'denom']
    const d = r.string(denomEntry.value, dp, where(dp))
    if (d !== undefined) {
      const fix = {description: 'Price in uact', path: formatPath(path), yaml: `denom: uact\namount: ${amountText || '1000'}\n`}
      const hint = 'Price in uact (Akash Compute Token: 1 ACT ≈ 1 USD, 1,000,000 uact = 1 ACT).'
      const near = suggest(d, PRICE_DENOMS)
      if (!COSMOS_DENOM.test(d)) {
        r.issues.error(dp, 'bad-denom', `${where(dp)} is "${d}", which is not a denom.`, {hint: near ? `${near} ${hint}` : hint, fix})
      } else {
        if (!(PRICE_DENOMS as readonly string[]).includes(d)) {
          const ibc = d.startsWith('ibc/')
          // chain-sdk alpha.45's schema allows only these two, and the chain takes deposits (which must
          // be in the price's denom) only in them; Go's SDL parser alone still reads any denom.
          r.schemaOnly(
            dp,
            ibc ? 'denom-ibc' : 'bad-denom',
            ibc
              ? `${where(dp)} is the IBC denom "${d}" (axlUSDC), which Akash no longer accepts for new deployments.`
              : `${where(dp)} is "${d}", which is not a denom Akash prices leases in (uact or uakt).`,
            {
              hint: ibc
                ? `${hint} The amount carries over: uusdc and uact are both millionths of about one US dollar.`
                : near
                  ? `${near} ${hint}`
                  : hint,
              fix,
            },
          )
        }
        denom = d
      }
    }
  }
  if (denom === undefined || amount === undefined) return undefined
  return {denom, amount}
}
