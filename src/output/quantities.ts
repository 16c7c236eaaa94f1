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
