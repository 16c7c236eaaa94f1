import {X509Certificate} from 'node:crypto'

import {EvidenceError, toHex} from '../bytes.js'
import {type Tlv, children, readInteger, readOid, readTlv} from '../der.js'
import {commonName, extensionValue, sha256Hex} from '../x509.js'
import {INTEL_SGX_ROOT_CA} from './intel-root.js'

/** Intel's SGX extension on PCK certificates ("SGX PCK Certificate and CRL Profile"). */
const SGX_EXTENSIONS = '1.2.840.113741.1.13.1'

export interface PckInfo {
  /** Six bytes naming the platform family; selects the TCB info. Lower-case hex. */
  fmspc: string
  pceId: string
  /** SGX TCB component SVNs 1..16, as certified for this platform. */
  sgxTcbComponents: number[]
  pceSvn: number
  /** 'platform' or 'processor': which PCK CA issued it, hence which PCK CRL applies. */
  ca: 'platform' | 'processor'
}

export function readPckInfo(cert: X509Certificate): PckInfo {
  const value = extensionValue(cert, SGX_EXTENSIONS)
  if (!value) throw new EvidenceError('the PCK certificate has no SGX extension (FMSPC, TCB)')
  const fields = new Map<string, Tlv>()
  for (const entry of children(readTlv(value))) {
    const [oid, v] = children(entry)
    fields.set(readOid(oid), v)
  }
  const need = (suffix: string) => {
    const v = fields.get(`${SGX_EXTENSIONS}.${suffix}`)
    if (!v) throw new EvidenceError(`the PCK certificate's SGX extension lacks ${SGX_EXTENSIONS}.${suffix}`)
    return v
  }
  const tcb = new Map<string, Tlv>()
  for (const entry of children(need('2'))) {
    const [oid, v] = children(entry)
    tcb.set(readOid(oid), v)
  }
  const component = (n: number) => {
    const v = tcb.get(`${SGX_EXTENSIONS}.2.${n}`)
    if (!v) throw new EvidenceError(`the PCK certificate's TCB lacks component ${n}`)
    return Number(readInteger(v))
  }
  const issuer = commonName(cert, 'issuer')
  return {
    fmspc: toHex(need('4').value),
    pceId: toHex(need('3').value),
    sgxTcbComponents: Array.from({length: 16}, (_, i) => component(i + 1)),
    pceSvn: component(17),
    ca: issuer.includes('Processor') ? 'processor' : 'platform',
  }
}

let root: X509Certificate | undefined

/** The pinned Intel SGX Root CA, checked against its fingerprint. */
export function intelRoot(): X509Certificate {
  if (!root) {
    const cert = new X509Certificate(INTEL_SGX_ROOT_CA.pem)
    if (sha256Hex(cert) !== INTEL_SGX_ROOT_CA.sha256) throw new EvidenceError('the pinned Intel SGX Root CA does not match its fingerprint')
    root = cert
  }
  return root
}
