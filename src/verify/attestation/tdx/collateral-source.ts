import {mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {type TdxCollateral, collateralFromJson, collateralFromPcs, collateralToJson} from './collateral.js'

export interface CollateralQuery {
  /** Lower-case hex, from the PCK certificate. */
  fmspc: string
  /** Which PCK CA issued the PCK certificate; selects the PCK CRL. */
  ca: 'platform' | 'processor'
}

/** Where Intel's collateral comes from. Verifiers only read; network access is an explicit choice. */
export interface CollateralSource {
  tdxCollateral(query: CollateralQuery): Promise<TdxCollateral | undefined>
}

/** One JSON file per FMSPC and CA (dcap-qvl's field names), in a directory the caller owns. */
export class FileCollateralCache implements CollateralSource {
  constructor(private readonly dir: string) {}

  async tdxCollateral(query: CollateralQuery): Promise<TdxCollateral | undefined> {
    let text: string
    try {
      text = await readFile(this.path(query), 'utf8')
    } catch {
      return undefined
    }
    return collateralFromJson(text)
  }

  async store(query: CollateralQuery, collateral: TdxCollateral): Promise<void> {
    await mkdir(this.dir, {recursive: true})
    const file = this.path(query)
    await writeFile(`${file}.tmp`, collateralToJson(collateral))
    await rename(`${file}.tmp`, file)
  }

  private path(query: CollateralQuery): string {
    return join(this.dir, `tdx-${query.fmspc.toLowerCase().replace(/[^0-9a-f]/g, '')}-${query.ca}.json`)
  }
}

export interface FetchResponse {
  ok: boolean
  status: number
  headers: {get(name: string): string | null}
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
}

export type FetchLike = (url: string) => Promise<FetchResponse>

export const INTEL_PCS = 'https://api.trustedservices.intel.com'
export const INTEL_ROOT_CA_CRL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der'

/** Intel's Provisioning Certification Service, API v4; a PCCS serves the same paths. */
export class PcsCollateralFetcher implements CollateralSource {
  constructor(
    private readonly fetchImpl: FetchLike = fetch,
    private readonly base = INTEL_PCS,
    private readonly rootCrlUrl = INTEL_ROOT_CA_CRL,
  ) {}

  async tdxCollateral(query: CollateralQuery): Promise<TdxCollateral> {
    const [tcb, qe, crl, rootCrl] = await Promise.all([
      this.get(`${this.base}/tdx/certification/v4/tcb?fmspc=${query.fmspc}`),
      this.get(`${this.base}/tdx/certification/v4/qe/identity`),
      this.get(`${this.base}/sgx/certification/v4/pckcrl?ca=${query.ca}&encoding=der`),
      this.get(this.rootCrlUrl),
    ])
    return collateralFromPcs({
      tcbInfoBody: await tcb.text(),
      tcbInfoIssuerChain: header(tcb, 'TCB-Info-Issuer-Chain'),
      qeIdentityBody: await qe.text(),
      qeIdentityIssuerChain: header(qe, 'SGX-Enclave-Identity-Issuer-Chain'),
      pckCrl: new Uint8Array(await crl.arrayBuffer()),
      pckCrlIssuerChain: header(crl, 'SGX-PCK-CRL-Issuer-Chain'),
      rootCaCrl: new Uint8Array(await rootCrl.arrayBuffer()),
    })
  }

  private async get(url: string): Promise<FetchResponse> {
    const response = await this.fetchImpl(url)
    if (!response.ok) throw new Error(`Intel PCS answered HTTP ${response.status} for ${url}`)
    return response
  }
}

function header(response: FetchResponse, name: string): string {
  const value = response.headers.get(name)
  if (!value) throw new Error(`Intel PCS sent no ${name} header`)
  return value
}

/**
 * The cache while its TCB info and QE identity are current at `at`; otherwise the fetcher, when
 * there is one, whose answer replaces the cache entry. Without a fetcher a stale entry is still
 * returned, so the verdict can say it is stale rather than that nothing was found.
 */
export function cachedCollateralSource(cache: FileCollateralCache, fetcher?: CollateralSource, at: () => Date = () => new Date()): CollateralSource {
  return {
    async tdxCollateral(query) {
      const cached = await cache.tdxCollateral(query)
      if (cached && isCurrent(cached, at())) return cached
      if (!fetcher) return cached
      const fresh = await fetcher.tdxCollateral(query)
      if (fresh) await cache.store(query, fresh)
      return fresh ?? cached
    },
  }
}

export function isCurrent(c: TdxCollateral, at: Date): boolean {
  try {
    const next = [c.tcbInfo, c.qeIdentity].map((t) => new Date((JSON.parse(t) as {nextUpdate: string}).nextUpdate))
    return next.every((d) => at < d)
  } catch {
    return false
  }
}
