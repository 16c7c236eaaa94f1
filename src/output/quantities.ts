/** Resource quantities as people read them: CPU in cores ("0.25"), bytes in binary units ("1.5 GiB"). */

/** Millicores as cores, without trailing zeros: 250 → "0.25", 2000 → "2". */
export function fmtCpu(millis: bigint): string {
  const whole = millis / 1000n
  const frac = millis % 1000n
  return frac === 0n ? `${whole}` : `${whole}.${frac.toString().padStart(3, '0').replace(/0+$/, '')}`
}

/** Bytes in binary units, to a tenth: 1536 MiB → "1.5 GiB". */
export function fmtBytes(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let scaled = bytes * 10n
  while (scaled >= 10240n && i < units.length - 1) {
    scaled /= 1024n
    i++
  }
  const whole = scaled / 10n
  const tenth = scaled % 10n
  return `${whole}${tenth === 0n ? '' : `.${tenth}`} ${units[i]}`
}

/**
 * Storage as `edge provide init` and `edge provide status` show it, ephemeral first and each persistent class
 * apart (D21: both commands give the same figures): "66.9 GiB storage, 33.4 GiB beta2 (persistent)", or with
 * `held`, "0 B of 66.9 GiB held; beta2 (persistent) 0 B of 33.4 GiB held".
 */
export function fmtStorage(offered: {ephemeral: bigint; persistent: Record<string, bigint>}, held?: {ephemeral: bigint; persistent: Record<string, bigint>}): string {
  if (!held) return [`${fmtBytes(offered.ephemeral)} storage`, ...Object.entries(offered.persistent).map(([cls, bytes]) => `${fmtBytes(bytes)} ${cls} (persistent)`)].join(', ')
  const of = (h: bigint, total: bigint) => `${fmtBytes(h)} of ${fmtBytes(total)} held`
  return [of(held.ephemeral, offered.ephemeral), ...Object.entries(offered.persistent).map(([cls, bytes]) => `${cls} (persistent) ${of(held.persistent[cls] ?? 0n, bytes)}`)].join('; ')
}
