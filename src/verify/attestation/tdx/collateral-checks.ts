import {X509Certificate, verify} from 'node:crypto'

import {describeError} from '../bytes.js'
import {crlProblem, isRevoked, parseCrl} from '../crl.js'
import {type Check, fail, pass, skip} from '../verdict.js'
import {commonName, parseCertificates, verifyChain} from '../x509.js'
import type {TdxCollateral} from './collateral.js'
import {type PckInfo, intelRoot} from './pck.js'
import type {QeReport} from './quote.js'
import {type QeIdentity, type TcbInfo, type TcbOutcome, qeTcb} from './tcb.js'

interface SignedDocument {
  issueDate: string
  nextUpdate: string
  tcbEvaluationDataNumber: number
}

/**
 * Intel signs TCB info and QE identity as JSON text with a key certified by the Root CA. Either is
 * only good until its nextUpdate: after that Intel may have published newer levels or advisories.
 */
function openSigned<T extends SignedDocument>(text: string, signature: Uint8Array, chainPem: string, at: Date, what: string): {doc: T; signer: X509Certificate} | {problem: string} {
  let certs: X509Certificate[]
  try {
    certs = parseCertificates(chainPem, `the ${what} issuer chain`)
  } catch (error) {
    return {problem: describeError(error)}
  }
  const chain = verifyChain(certs, [intelRoot()], at, 'the pinned Intel SGX Root CA')
  if (!chain.ok) return {problem: `the ${what} signer does not chain to Intel: ${chain.reason}`}
  if (!verify('sha256', Buffer.from(text, 'utf8'), {key: certs[0].publicKey, dsaEncoding: 'ieee-p1363'}, signature)) {
    return {problem: `the ${what} signature by "${commonName(certs[0])}" is invalid: the document was altered`}
  }
  let doc: T
  try {
    doc = JSON.parse(text) as T
  } catch {
    return {problem: `the ${what} is not JSON`}
  }
  const issued = new Date(doc.issueDate)
  const next = new Date(doc.nextUpdate)
  if (!(at >= issued)) return {problem: `the ${what} was issued at ${doc.issueDate}, after the verification time ${at.toISOString()}`}
  if (!(at < next)) return {problem: `the ${what} is stale: its nextUpdate was ${doc.nextUpdate} (checked at ${at.toISOString()}); fetch fresh collateral`}
  return {doc, signer: certs[0]}
}

export function tcbInfoCheck(c: TdxCollateral, pck: PckInfo, at: Date): {check: Check; info?: TcbInfo; signer?: X509Certificate} {
  const opened = openSigned<TcbInfo>(c.tcbInfo, c.tcbInfoSignature, c.tcbInfoIssuerChain, at, 'TCB info')
  if ('problem' in opened) return {check: fail('tdx.tcb_info', opened.problem)}
  const info = opened.doc
  const evidence = {fmspc: info.fmspc, issue_date: info.issueDate, next_update: info.nextUpdate, tcb_evaluation_data_number: String(info.tcbEvaluationDataNumber)}
  if (info.id !== 'TDX' || info.version !== 3) return {check: fail('tdx.tcb_info', `the TCB info is "${info.id}" v${info.version}, not TDX v3`, evidence)}
  if (info.fmspc.toLowerCase() !== pck.fmspc) return {check: fail('tdx.tcb_info', `the TCB info is for FMSPC ${info.fmspc}, but the PCK certificate says ${pck.fmspc}: wrong collateral for this platform`, evidence)}
  if (info.pceId.toLowerCase() !== pck.pceId) return {check: fail('tdx.tcb_info', `the TCB info is for PCE ${info.pceId}, not ${pck.pceId}`, evidence)}
  return {check: pass('tdx.tcb_info', `Intel's TCB info for FMSPC ${pck.fmspc} is signed, current until ${info.nextUpdate}`, evidence), info, signer: opened.signer}
}

export function qeIdentityCheck(c: TdxCollateral, qe: QeReport, at: Date): {check: Check; outcome?: TcbOutcome; signer?: X509Certificate} {
  const opened = openSigned<QeIdentity>(c.qeIdentity, c.qeIdentitySignature, c.qeIdentityIssuerChain, at, 'QE identity')
  if ('problem' in opened) return {check: fail('tdx.qe_identity', opened.problem)}
  const identity = opened.doc
  if (identity.id !== 'TD_QE') return {check: fail('tdx.qe_identity', `the QE identity is for "${identity.id}", not the TD quoting enclave (TD_QE)`)}
  const outcome = qeTcb(identity, qe)
  const evidence = {isvsvn: String(qe.isvSvn), next_update: identity.nextUpdate}
  if (outcome.mismatch || !outcome.status) return {check: fail('tdx.qe_identity', outcome.detail, evidence)}
  return {check: pass('tdx.qe_identity', `Intel's TD quoting enclave (${outcome.detail}: ${outcome.status})`, evidence), outcome, signer: opened.signer}
}

/**
 * The Root CA CRL revokes intermediate CAs; the PCK CRL revokes platform keys. Both are signed, and
 * both expire: an expired CRL says nothing about keys revoked since.
 */
export function crlCheck(c: TdxCollateral, pckPath: readonly X509Certificate[], signers: readonly X509Certificate[], at: Date): Check {
  if (!c.pckCrl && !c.rootCaCrl) return skip('tdx.crl', 'the collateral has no CRLs: revocation of the PCK certificate and Intel CAs was not checked')
  const evidence: Record<string, string> = {}
  const problems: string[] = []
  if (c.rootCaCrl) {
    const crl = parseCrl(c.rootCaCrl, 'Root CA CRL')
    const problem = crlProblem(crl, intelRoot(), at, 'Intel Root CA CRL')
    if (problem) problems.push(problem)
    for (const cert of [...pckPath.slice(1), ...signers]) {
      if (isRevoked(crl, cert)) problems.push(`Intel revoked "${commonName(cert)}" (serial ${cert.serialNumber})`)
    }
    evidence.root_ca_crl_next_update = crl.nextUpdate?.toISOString() ?? 'none'
  }
  if (c.pckCrl) {
    const crl = parseCrl(c.pckCrl, 'PCK CRL')
    const issuer = pckPath[1]
    const problem = issuer ? crlProblem(crl, issuer, at, 'PCK CRL') : 'the PCK chain has no CA to check the PCK CRL against'
    if (problem) problems.push(problem)
    if (isRevoked(crl, pckPath[0])) problems.push(`Intel revoked this platform's PCK certificate (serial ${pckPath[0].serialNumber})`)
    evidence.pck_crl_next_update = crl.nextUpdate?.toISOString() ?? 'none'
    evidence.pck_crl_entries = String(crl.revoked.size)
  }
  if (problems.length > 0) return fail('tdx.crl', problems.join('; '), evidence)
  return pass('tdx.crl', `no certificate in the chain is revoked (${[c.rootCaCrl && 'Root CA CRL', c.pckCrl && 'PCK CRL'].filter(Boolean).join(' and ')} current and signed)`, evidence)
}
