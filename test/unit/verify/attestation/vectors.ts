import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import {type TdxCollateral, collateralFromPcs} from '../../../../src/verify/attestation/tdx/collateral.js'
import type {Check, CheckId, CheckStatus, Verdict} from '../../../../src/verify/attestation/verdict.js'
import {ATTESTATION} from '../../../helpers/corpus.js'

/** The corpus is read-only: every tampered copy is made here, in memory. */
export function corpusBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ATTESTATION, path)))
}

export function corpusText(path: string): string {
  return readFileSync(join(ATTESTATION, path), 'utf8')
}

/** Facts the survey computed from the corpus bytes; free-form JSON. */
export const EXPECTED: Record<string, any> = JSON.parse(corpusText('EXPECTED.json'))

export function flipped(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const copy = new Uint8Array(bytes)
  copy[offset] ^= mask
  return copy
}

export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'))
}

export function checkOf(v: Verdict | {checks: Check[]}, id: CheckId, subject?: string): Check {
  const found = v.checks.find((c) => c.check === id && (subject === undefined || c.subject === subject))
  if (!found) throw new Error(`no ${id} check in: ${v.checks.map((c) => c.check).join(', ')}`)
  return found
}

/** Asserts one check's status and (optionally) that its reason says why. */
export function expectCheck(v: Verdict | {checks: Check[]}, id: CheckId, status: CheckStatus, reason?: RegExp, subject?: string): Check {
  const c = checkOf(v, id, subject)
  expect({check: c.check, status: c.status, reason: c.reason}).toMatchObject({check: id, status})
  if (reason) expect(c.reason).toMatch(reason)
  return c
}

/** The ids of every failed check, to assert that nothing else failed. */
export function failedIds(v: Verdict | {checks: Check[]}): CheckId[] {
  return v.checks.filter((c) => c.status === 'fail').map((c) => c.check)
}

export const at = (iso: string) => new Date(iso)

const GO = 'tdx/go-tdx-guest'

/** go-tdx-guest's collateral is a set of Intel PCS responses; assemble it as PCS would serve it. */
export function goTdxGuestCollateral(): TdxCollateral {
  return collateralFromPcs({
    tcbInfoBody: corpusText(`${GO}/sample_tcbInfo_response`),
    tcbInfoIssuerChain: corpusText(`${GO}/tcb_info_issuer_chain.derived.pem`),
    qeIdentityBody: corpusText(`${GO}/sample_qeIdentity_response`),
    qeIdentityIssuerChain: corpusText(`${GO}/qe_identity_issuer_chain.derived.pem`),
    pckCrl: corpusBytes(`${GO}/pckcrl`),
    pckCrlIssuerChain: corpusText(`${GO}/pck_crl_issuer_chain.derived.pem`),
    rootCaCrl: corpusBytes(`${GO}/rootcrl.der`),
  })
}
