/**
 * Resource quantities exactly as Akash's Go parser reads them (go/sdl/units.go). The float
 * arithmetic is deliberate: Go multiplies a float64 and truncates, so "1.001" CPU is 1000 millicores
 * there, and the manifest hash depends on it.
 */

export const KI = 1024n
export const MI = 1024n ** 2n
export const GI = 1024n ** 3n
export const TI = 1024n ** 4n

const DECIMAL_AND_BINARY: Record<string, number> = {
  k: 1e3,
  Ki: 1024,
  M: 1e6,
  Mi: 1024 ** 2,
  G: 1e9,
  Gi: 1024 ** 3,
  T: 1e12,
  Ti: 1024 ** 4,
  P: 1e15,
  Pi: 1024 ** 5,
  E: 1e18,
  Ei: 1024 ** 6,
}

const BINARY_ONLY: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
}

export type ParseResult<T> = {ok: true; value: T} | {ok: false; reason: 'syntax' | 'negative' | 'range'}

/** strconv.ParseFloat's decimal syntax (no hex floats, no underscores). */
function parseGoFloat(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?(inf|infinity|nan)$/i.test(s)) return undefined
  const lower = s.toLowerCase()
  if (lower.endsWith('nan')) return Number.NaN
  if (lower.includes('inf')) return lower.startsWith('-') ? -Infinity : Infinity
  return Number(s)
}

/** Go's uint64(float64) for the values that can reach it (non-negative, finite). */
function truncToBigInt(v: number): bigint {
  if (!Number.isFinite(v)) return 2n ** 64n
  return BigInt(Math.trunc(v))
}

/** CPU units to millicores: "100m" → 100, "0.5" → 500, 2 → 2000. */
export function parseCpuMillis(text: string): ParseResult<number> {
  if (text.endsWith('m')) {
    const digits = text.slice(0, -1)
    if (!/^\+?\d+$/.test(digits)) return {ok: false, reason: 'syntax'}
    const v = BigInt(digits.replace('+', ''))
    if (v > 0xffffffffn) return {ok: false, reason: 'range'}
    return {ok: true, value: Number(v)}
  }
  const f = parseGoFloat(text)
  if (f === undefined || Number.isNaN(f)) return {ok: false, reason: 'syntax'}
  const v = f * 1000
  if (v < 0) return {ok: false, reason: 'negative'}
  if (!Number.isFinite(v) || v > 0xffffffff) return {ok: false, reason: 'range'}
  return {ok: true, value: Math.trunc(v)}
}

function parseWithSuffix(text: string, units: Record<string, number>): ParseResult<bigint> {
  for (const [suffix, unit] of Object.entries(units)) {
    if (!text.endsWith(suffix)) continue
    const f = parseGoFloat(text.slice(0, -suffix.length))
    if (f === undefined || Number.isNaN(f)) return {ok: false, reason: 'syntax'}
    const v = f * unit
    if (v < 0) return {ok: false, reason: 'negative'}
    return {ok: true, value: truncToBigInt(v)}
  }
  const f = parseGoFloat(text)
  if (f === undefined || Number.isNaN(f)) return {ok: false, reason: 'syntax'}
  if (f < 0) return {ok: false, reason: 'negative'}
  return {ok: true, value: truncToBigInt(f)}
}

/** Memory and storage sizes: "512Mi", "1Gi", "1G", "1.5Gi", "1000000" (bytes). */
export function parseBytes(text: string): ParseResult<bigint> {
  return parseWithSuffix(text, DECIMAL_AND_BINARY)
}

/** GPU RAM: binary suffixes only ("80Gi"), as Go's memoryQuantity. */
export function parseGpuRam(text: string): ParseResult<bigint> {
  return parseWithSuffix(text, BINARY_ONLY)
}

/** GPU RAM in the attribute key: whole GiB, rounded down ("80Gi"). */
export function gpuRamKey(bytes: bigint): string {
  return `${bytes / GI}Gi`
}

/** GPU units: a base-10 unsigned integer. */
export function parseGpuUnits(text: string): ParseResult<bigint> {
  if (!/^\+?\d+$/.test(text)) return {ok: false, reason: text.startsWith('-') ? 'negative' : 'syntax'}
  const v = BigInt(text.replace('+', ''))
  if (v >= 2n ** 64n) return {ok: false, reason: 'range'}
  return {ok: true, value: v}
}

/** Short human size for messages: 1073741824 → "1Gi", 1500000000 → "1.4Gi". */
export function formatBytes(bytes: bigint): string {
  const units: Array<[bigint, string]> = [
    [TI, 'Ti'],
    [GI, 'Gi'],
    [MI, 'Mi'],
    [KI, 'Ki'],
  ]
  for (const [unit, suffix] of units) {
    if (bytes >= unit) {
      const tenths = (bytes * 10n) / unit
      const whole = tenths / 10n
      const frac = tenths % 10n
      return frac === 0n ? `${whole}${suffix}` : `${whole}.${frac}${suffix}`
    }
  }
  return `${bytes}B`
}

/** Millicores for messages: 500 → "0.5", 2000 → "2". */
export function formatCpu(millis: number): string {
  const whole = Math.trunc(millis / 1000)
  const frac = String(millis % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}
