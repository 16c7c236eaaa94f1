import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {toHex} from '../bytes.js'
import {type AmdProduct, type SnpReport, decodeTcb} from './report.js'

const KDS = 'https://kdsintf.amd.com'

/**
 * Where AMD's Key Distribution Service serves the VCEK for this chip at its REPORTED_TCB (not the
 * CURRENT_TCB: the firmware signs with the key for the level it reports, which may lag an update).
 * Turin identifies the chip by the first 8 bytes of CHIP_ID and adds the FMC level.
 */
export function kdsVcekUrl(report: SnpReport, product: AmdProduct): string {
  const tcb = decodeTcb(report.reportedTcb, product)
  if (product === 'Turin') {
    return `${KDS}/vcek/v1/Turin/${toHex(report.chipId.subarray(0, 8))}?fmcSPL=${tcb.fmc}&blSPL=${tcb.bootloader}&teeSPL=${tcb.tee}&snpSPL=${tcb.snp}&ucodeSPL=${tcb.microcode}`
  }
  return `${KDS}/vcek/v1/${product}/${toHex(report.chipId)}?blSPL=${tcb.bootloader}&teeSPL=${tcb.tee}&snpSPL=${tcb.snp}&ucodeSPL=${tcb.microcode}`
}

/** Where a VCEK comes from: a cache on disk, AMD's KDS when the network is allowed, or both. */
export interface VcekSource {
  /** The DER VCEK for this report, or undefined when this source does not have it. */
  vcek(report: SnpReport, product: AmdProduct): Promise<Uint8Array | undefined>
}

/** VCEKs never change for a chip and TCB, so a cache entry is good for as long as the file exists. */
export class FileVcekCache implements VcekSource {
  constructor(private readonly dir: string) {}

  async vcek(report: SnpReport, product: AmdProduct): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(report, product)))
    } catch {
      return undefined
    }
  }

  async store(report: SnpReport, product: AmdProduct, der: Uint8Array): Promise<void> {
    await mkdir(this.dir, {recursive: true})
    const file = this.path(report, product)
    await writeFile(`${file}.tmp`, der)
    await rename(`${file}.tmp`, file)
  }

  private path(report: SnpReport, product: AmdProduct): string {
    const tcb = toHex(report.reportedTcb)
    const chip = product === 'Turin' ? toHex(report.chipId.subarray(0, 8)) : toHex(report.chipId)
    return join(this.dir, `vcek-${product.toLowerCase()}-${chip}-${tcb}.der`)
  }
}

export type FetchLike = (url: string) => Promise<{ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer>}>

/** Network access, used only when the caller passes this source in; KDS rate-limits, so cache in front. */
export class KdsVcekFetcher implements VcekSource {
  constructor(private readonly fetchImpl: FetchLike = fetch) {}

  async vcek(report: SnpReport, product: AmdProduct): Promise<Uint8Array | undefined> {
    const response = await this.fetchImpl(kdsVcekUrl(report, product))
    if (!response.ok) throw new Error(`AMD KDS answered HTTP ${response.status} for the VCEK`)
    return new Uint8Array(await response.arrayBuffer())
  }
}

/** The cache first; the fetcher (if any) on a miss, storing what it returns. */
export function cachedVcekSource(cache: FileVcekCache, fetcher?: VcekSource): VcekSource {
  return {
    async vcek(report, product) {
      const cached = await cache.vcek(report, product)
      if (cached || !fetcher) return cached
      const fetched = await fetcher.vcek(report, product)
      if (fetched) await cache.store(report, product, fetched)
      return fetched
    },
  }
}

