import {describe, expect, it} from 'vitest'

import {collateralFromJson} from '../../../../src/verify/attestation/tdx/collateral.js'
import type {PckInfo} from '../../../../src/verify/attestation/tdx/pck.js'
import {type TdReportBody, parseTdxQuote} from '../../../../src/verify/attestation/tdx/quote.js'
import {type TcbInfo, combine, moduleTcb, platformTcb} from '../../../../src/verify/attestation/tdx/tcb.js'
import {EXPECTED, corpusBytes, corpusText} from './vectors.js'

/** Intel's real TCB info documents, judged against real platforms with one SVN lowered. */
const info = (file: string) => JSON.parse(collateralFromJson(corpusText(`tdx/dcap-qvl/${file}`)).tcbInfo) as TcbInfo
const e = EXPECTED.tdx['dcap-qvl/tdx_quote']
const pck: PckInfo = {fmspc: e.fmspc, pceId: '0000', sgxTcbComponents: e.pck_sgx_tcb_components, pceSvn: e.pck_pcesvn, ca: 'platform'}
const body = (): TdReportBody => parseTdxQuote(corpusBytes('tdx/dcap-qvl/tdx_quote')).body

function withSvn(b: TdReportBody, index: number, value: number): TdReportBody {
  const svn = new Uint8Array(b.teeTcbSvn)
  svn[index] = value
  return {...b, teeTcbSvn: svn}
}

describe('TDX TCB status derivation', () => {
  it('matches the newest level the platform meets', () => {
    expect(platformTcb(info('tdx_quote_collateral.json'), pck, body())).toMatchObject({status: 'UpToDate', advisories: [], detail: 'TCB level of 2024-03-13T00:00:00Z'})
  })

  it('a PCE SVN below the newest level falls to the next one, with its advisories', () => {
    const outcome = platformTcb(info('tdx_quote_collateral.json'), {...pck, pceSvn: 10}, body())
    expect(outcome.status).toBe('OutOfDate')
    expect(outcome.advisories).toContain('INTEL-SA-00837')
  })

  it('the TDX module is judged by its identity TDX_01 (SVN 6 ≥ 4 up to date; 3 below 4 is out of date)', () => {
    expect(moduleTcb(info('tdx_quote_collateral.json'), body())).toMatchObject({status: 'UpToDate', detail: 'TDX_01 SVN 6 ≥ 4'})
    expect(moduleTcb(info('tdx_quote_collateral.json'), withSvn(body(), 0, 3))).toMatchObject({status: 'OutOfDate'})
    expect(moduleTcb(info('tdx_quote_outdated_collateral.json'), withSvn(body(), 0, 5))).toMatchObject({status: 'OutOfDate', advisories: ['INTEL-SA-01036', 'INTEL-SA-01099']})
  })

  it('a module major version the TCB info does not list, or an SVN below every level, yields no status', () => {
    expect(moduleTcb(info('tdx_quote_collateral.json'), withSvn(body(), 1, 2))).toMatchObject({mismatch: 'module', detail: 'the TCB info has no module identity TDX_02'})
    expect(moduleTcb(info('tdx_quote_collateral.json'), withSvn(body(), 0, 1)).status).toBeUndefined()
  })

  it('without a module major version the first TDX components count too (4 < 5 at every level)', () => {
    const old = withSvn(withSvn(body(), 1, 0), 0, 4)
    const outcome = platformTcb(info('tdx_quote_collateral.json'), pck, old)
    expect(outcome.status).toBeUndefined()
    expect(outcome.detail).toMatch(/no TCB level .* TDX component 1 is 4 \(needs ≥ 5\)/)
    expect(platformTcb(info('tdx_quote_collateral.json'), pck, withSvn(body(), 0, 4)).status).toBe('UpToDate')
  })

  it('combines statuses as Intel names them', () => {
    expect(combine('UpToDate', 'OutOfDate')).toBe('OutOfDate')
    expect(combine('OutOfDate', 'ConfigurationNeeded')).toBe('OutOfDateConfigurationNeeded')
    expect(combine('SWHardeningNeeded', 'ConfigurationNeeded')).toBe('ConfigurationAndSWHardeningNeeded')
    expect(combine('Revoked', 'UpToDate')).toBe('Revoked')
    expect(combine('UpToDate', 'SWHardeningNeeded')).toBe('SWHardeningNeeded')
  })
})
