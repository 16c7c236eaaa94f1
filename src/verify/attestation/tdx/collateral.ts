import {EvidenceError, fromHex, toHex} from '../bytes.js'

/**
 * What a DCAP verifier needs besides the quote, as Intel's PCS (or a PCCS) serves it. The signed
 * JSON documents are kept as their exact text: the signatures cover those bytes, so re-serialising
 * them would break verification.
 */
export interface TdxCollateral {
  /** The `tcbInfo` object's exact JSON text. */
  tcbInfo: string
  /** ECDSA P-256 r‖s over `tcbInfo`, by the TCB Signing certificate. */
  tcbInfoSignature: Uint8Array
  /** PEM: TCB Signing certificate, then Intel SGX Root CA. */
  tcbInfoIssuerChain: string
  /** The `enclaveIdentity` object's exact JSON text. */
  qeIdentity: string
  qeIdentitySignature: Uint8Array
  qeIdentityIssuerChain: string
  /** DER CRL from the PCK Platform or Processor CA. */
  pckCrl?: Uint8Array
  pckCrlIssuerChain?: string
  /** DER CRL from the Intel SGX Root CA (revokes intermediate CAs). */
  rootCaCrl?: Uint8Array
}

/**
 * The JSON form: the field names of dcap-qvl's `QuoteCollateralV3` (hex signatures and CRLs), so the
 * same files work with other tools, and so the cache is plain text one can inspect.
 */
interface CollateralJson {
  tcb_info: string
  tcb_info_signature: string
  tcb_info_issuer_chain: string
  qe_identity: string
  qe_identity_signature: string
  qe_identity_issuer_chain: string
  pck_crl?: string
  pck_crl_issuer_chain?: string
  root_ca_crl?: string
}

export function collateralFromJson(text: string): TdxCollateral {
  let json: CollateralJson
  try {
    json = JSON.parse(text) as CollateralJson
  } catch {
    throw new EvidenceError('the TDX collateral is not JSON')
  }
  for (const key of ['tcb_info', 'tcb_info_signature', 'tcb_info_issuer_chain', 'qe_identity', 'qe_identity_signature', 'qe_identity_issuer_chain'] as const) {
    if (typeof json[key] !== 'string') throw new EvidenceError(`the TDX collateral lacks ${key}`)
  }
  return {
    tcbInfo: json.tcb_info,
    tcbInfoSignature: fromHex(json.tcb_info_signature, 'tcb_info_signature'),
    tcbInfoIssuerChain: json.tcb_info_issuer_chain,
    qeIdentity: json.qe_identity,
    qeIdentitySignature: fromHex(json.qe_identity_signature, 'qe_identity_signature'),
    qeIdentityIssuerChain: json.qe_identity_issuer_chain,
    ...(json.pck_crl ? {pckCrl: fromHex(json.pck_crl, 'pck_crl')} : {}),
    ...(json.pck_crl_issuer_chain ? {pckCrlIssuerChain: json.pck_crl_issuer_chain} : {}),
    ...(json.root_ca_crl ? {rootCaCrl: fromHex(json.root_ca_crl, 'root_ca_crl')} : {}),
  }
}

export function collateralToJson(c: TdxCollateral): string {
  const json: CollateralJson = {
    tcb_info: c.tcbInfo,
    tcb_info_signature: toHex(c.tcbInfoSignature),
    tcb_info_issuer_chain: c.tcbInfoIssuerChain,
    qe_identity: c.qeIdentity,
    qe_identity_signature: toHex(c.qeIdentitySignature),
    qe_identity_issuer_chain: c.qeIdentityIssuerChain,
    ...(c.pckCrl ? {pck_crl: toHex(c.pckCrl)} : {}),
    ...(c.pckCrlIssuerChain ? {pck_crl_issuer_chain: c.pckCrlIssuerChain} : {}),
    ...(c.rootCaCrl ? {root_ca_crl: toHex(c.rootCaCrl)} : {}),
  }
  return `${JSON.stringify(json, null, 2)}\n`
}

/** Intel PCS v4 bodies (`{"tcbInfo":{…},"signature":"…"}`) and the issuer chains from its headers. */
export interface PcsResponses {
  tcbInfoBody: string
  tcbInfoIssuerChain: string
  qeIdentityBody: string
  qeIdentityIssuerChain: string
  pckCrl?: Uint8Array
  pckCrlIssuerChain?: string
  rootCaCrl?: Uint8Array
}

export function collateralFromPcs(r: PcsResponses): TdxCollateral {
  const tcb = signedMember(r.tcbInfoBody, 'tcbInfo')
  const qe = signedMember(r.qeIdentityBody, 'enclaveIdentity')
  return {
    tcbInfo: tcb.text,
    tcbInfoSignature: tcb.signature,
    tcbInfoIssuerChain: decodeHeaderChain(r.tcbInfoIssuerChain),
    qeIdentity: qe.text,
    qeIdentitySignature: qe.signature,
    qeIdentityIssuerChain: decodeHeaderChain(r.qeIdentityIssuerChain),
    ...(r.pckCrl ? {pckCrl: r.pckCrl} : {}),
    ...(r.pckCrlIssuerChain ? {pckCrlIssuerChain: decodeHeaderChain(r.pckCrlIssuerChain)} : {}),
    ...(r.rootCaCrl ? {rootCaCrl: r.rootCaCrl} : {}),
  }
}

/** PCS sends issuer chains URL-encoded in a header; files hold them as plain PEM. */
function decodeHeaderChain(value: string): string {
  return value.includes('%') ? decodeURIComponent(value) : value
}

/** The exact text of `body[key]` (an object) and the hex `signature` beside it. */
export function signedMember(body: string, key: string): {text: string; signature: Uint8Array} {
  const keyAt = body.indexOf(`"${key}"`)
  const start = keyAt < 0 ? -1 : body.indexOf('{', keyAt)
  if (start < 0) throw new EvidenceError(`the PCS response has no "${key}" object`)
  let depth = 0
  let inString = false
  for (let i = start; i < body.length; i++) {
    const ch = body[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '{') depth++
    else if (ch === '}' && --depth === 0) {
      const signature = (JSON.parse(body) as {signature?: unknown}).signature
      if (typeof signature !== 'string') throw new EvidenceError(`the PCS response for "${key}" has no signature`)
      return {text: body.slice(start, i + 1), signature: fromHex(signature, `${key} signature`)}
    }
  }
  throw new EvidenceError(`the PCS response's "${key}" object is not closed`)
}
