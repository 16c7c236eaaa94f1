import type {Reader} from '../reader.js'
import type {Path, YNode} from '../source.js'
import {parseBytes} from '../units.js'
import {where} from './common.js'

/** Memory and storage sizes (own module: compute and storage both read them). */
export function decodeSize(r: Reader, node: YNode, path: Path, what: 'memory' | 'storage'): bigint | undefined {
  const example = what === 'memory' ? '512Mi' : '1Gi'
  const kind = r.kind(node)
  if (kind !== 'string' && kind !== 'number') {
    r.issues.error(path, 'wrong-type', `${where(path)} must be a size with a unit such as ${example}, not ${r.describe(node)}.`)
    return undefined
  }
  const text = r.text(node)
  const parsed = parseBytes(text)
  if (!parsed.ok) {
    const lower = /^\d+(\.\d+)?\s*(kb|mb|gb|tb|ki?b|mib|gib|mi|gi|ti|m|g|t)$/i.test(text)
    r.issues.error(path, parsed.reason === 'negative' ? 'negative-size' : 'bad-size', `${where(path)} is "${text}", which is not a size Akash can read.`, {
      hint: lower
        ? `Use Akash's units, case-sensitive: Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), e.g. ${example}.`
        : `Write a number and a unit, e.g. ${example}.`,
    })
    return undefined
  }
  if (kind === 'number') {
    r.schemaOnly(path, 'wrong-type', `${where(path)} is the number ${text}; the SDL schema wants a size in quotes or with a unit.`, {
      hint: `Add a unit, e.g. ${example}, or quote the byte count: "${text}".`,
    })
  }
  return parsed.value
}
