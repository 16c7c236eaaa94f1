/**
 * `edge provide` on a confidential VM: the quote comes from configfs-tsm (one directory per
 * request, REPORT_DATA into `inblob`, the signed report out of `outblob`). Only a real SEV-SNP or
 * TDX guest has that file system, so a fake one answers here with real reports from the
 * attestation corpus, and edge's own verifier checks the response end to end.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {TSM_REPORT_DIR, type TsmFs, configfsTsmSource, hostQuoteSource} from '../../../src/provider/attestation/quote-source.js'
import {verifyAkashQuote} from '../../../src/verify/attestation/index.js'
import {collateralFromJson} from '../../../src/verify/attestation/tdx/collateral.js'
import {EXPECTED, at, corpusBytes, corpusText, expectCheck, hex} from '../verify/attestation/vectors.js'

/** A configfs-tsm in memory: `provider` names the guest driver; `outblob` is what the TEE signs for the `inblob` written. */
function fakeTsm(provider: 'sev_guest' | 'tdx_guest', sign: (reportData: Buffer) => Uint8Array, options: {refuseMkdir?: boolean} = {}) {
  const dirs = new Map<string, {inblob?: Buffer}>()
  const entry = (path: string) => {
    const d = dirs.get(dirname(path))
    if (!d) throw Object.assign(new Error(`ENOENT: ${path}`), {code: 'ENOENT'})
    return d
  }
  const fs = {
    mkdirSync: (path: string) => {
      if (options.refuseMkdir) throw Object.assign(new Error(`EACCES: permission denied, mkdir '${path}'`), {code: 'EACCES'})
      dirs.set(path, {})
      return undefined
    },
    rmdirSync: (path: string) => void dirs.delete(path),
    writeFileSync: (path: string, data: Uint8Array) => {
      if (basename(path) !== 'inblob') throw new Error(`EPERM: ${path}`)
      entry(path).inblob = Buffer.from(data)
    },
    readFileSync: (path: string, encoding?: string) => {
      const d = entry(path)
      const name = basename(path)
      if (name === 'provider') return encoding ? `${provider}\n` : Buffer.from(`${provider}\n`)
      if (name === 'outblob') {
        if (d.inblob?.length !== 64) throw Object.assign(new Error('EINVAL: no inblob'), {code: 'EINVAL'})
        return Buffer.from(sign(d.inblob))
      }
      throw Object.assign(new Error(`ENOENT: ${path}`), {code: 'ENOENT'})
    },
  }
  return {fs: fs as unknown as TsmFs, dirs}
}

const snp = EXPECTED['sev-snp']['virtee-milan']
const snpReport = corpusBytes(snp.report_file)
const vcek = corpusBytes(snp.signer_cert)
const tdx = EXPECTED.tdx['dcap-qvl/tdx_quote']
const tdxQuote = corpusBytes('tdx/dcap-qvl/tdx_quote')

describe('edge provide on a confidential VM (configfs-tsm)', () => {
  it('answers with the SEV-SNP report for the nonce, which edge verify accepts end to end', async () => {
    // The recorded report is what this TEE signs for its own REPORT_DATA; the tenant's nonce is that value.
    const {fs, dirs} = fakeTsm('sev_guest', () => snpReport)
    const source = configfsTsmSource('/tsm', fs)
    const nonce = hex(snp.report_data)
    const answer = await source.quote(nonce, {gpus: 0})
    expect(answer).toMatchObject({ok: true, response: {tee_platform: 'snp', cert_chain: '', gpu_reports: [], tls_bound: false}})
    if (!answer.ok) return
    expect(Buffer.from(answer.response.report, 'base64').equals(Buffer.from(snpReport))).toBe(true)
    expect(dirs.size).toBe(0)
    const verdict = await verifyAkashQuote(answer.response, {nonce, at: at('2025-06-01T00:00:00Z'), snp: {certificates: [vcek]}})
    expect(verdict).toMatchObject({status: 'pass', mock: false, platform: 'snp'})
    // A TEE that answered with a report for another nonce (a replay) is caught by the same check.
    const other = await verifyAkashQuote(answer.response, {nonce: new Uint8Array(64).fill(9), at: at('2025-06-01T00:00:00Z'), snp: {certificates: [vcek]}})
    expectCheck(other, 'snp.nonce', 'fail', /does not match the nonce/, 'cpu')
  })

  it('names a TDX guest by its driver and answers with its quote', async () => {
    const {fs} = fakeTsm('tdx_guest', () => tdxQuote)
    const answer = await configfsTsmSource('/tsm', fs).quote(hex(tdx.report_data), {gpus: 0})
    expect(answer).toMatchObject({ok: true, response: {tee_platform: 'tdx'}})
    if (!answer.ok) return
    const verdict = await verifyAkashQuote(answer.response, {nonce: hex(tdx.report_data), at: new Date(tdx.verify_at_unix * 1000), tdx: {collateral: collateralFromJson(corpusText('tdx/dcap-qvl/tdx_quote_collateral.json'))}})
    expect(verdict).toMatchObject({status: 'pass', platform: 'tdx'})
  })

  it('says what the provider lacks when it may not create a report (503), and when the TEE fails (503)', async () => {
    const refused = await configfsTsmSource('/tsm', fakeTsm('sev_guest', () => snpReport, {refuseMkdir: true}).fs).quote(new Uint8Array(64), {gpus: 0})
    expect(refused).toMatchObject({ok: false, status: 503, message: expect.stringMatching(/needs write access to configfs-tsm/)})
    const broken = await configfsTsmSource('/tsm', fakeTsm('sev_guest', () => {
      throw new Error('EIO: the firmware refused')
    }).fs).quote(new Uint8Array(64), {gpus: 0})
    expect(broken).toMatchObject({ok: false, status: 503, message: expect.stringMatching(/the TEE did not produce a report \(EIO: the firmware refused\)/)})
  })

  it('picks configfs-tsm where it exists; a guest device without it is refused with what to enable; else "not a TEE"', async () => {
    const withTsm = mkdtempSync(join(tmpdir(), 'edge-tsm-'))
    mkdirSync(join(withTsm, TSM_REPORT_DIR), {recursive: true})
    expect(hostQuoteSource({root: withTsm}).kind).toBe('configfs-tsm')

    const deviceOnly = mkdtempSync(join(tmpdir(), 'edge-tsm-'))
    mkdirSync(join(deviceOnly, 'dev'))
    writeFileSync(join(deviceOnly, 'dev/sev-guest'), '')
    const source = hostQuoteSource({root: deviceOnly})
    expect(source.kind).toBe('none')
    expect(await source.quote(new Uint8Array(64), {gpus: 0})).toMatchObject({ok: false, status: 501, message: expect.stringMatching(/has \/dev\/sev-guest but no \/sys\/kernel\/config\/tsm\/report.*Linux 6\.7/)})

    expect(await hostQuoteSource({root: join(deviceOnly, 'nothing')}).quote(new Uint8Array(64), {gpus: 0})).toMatchObject({ok: false, status: 501, message: expect.stringMatching(/not a TEE/)})
    for (const dir of [withTsm, deviceOnly]) rmSync(dir, {recursive: true, force: true})
  })
})
