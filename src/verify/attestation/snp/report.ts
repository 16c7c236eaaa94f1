import {ByteReader, EvidenceError} from '../bytes.js'

/** ATTESTATION_REPORT from AMD's SEV-SNP firmware ABI (spec 56860), 1184 bytes, little-endian. */
export const SNP_REPORT_SIZE = 0x4a0
/** The firmware signs bytes [0, 0x2A0); the signature follows. */
export const SNP_SIGNED_END = 0x2a0

export type AmdProduct = 'Milan' | 'Genoa' | 'Turin'

/** Firmware security patch levels; which byte holds which level depends on the product. */
export interface TcbVersion {
  raw: Uint8Array
  bootloader: number
  tee: number
  snp: number
  microcode: number
  /** Turin and later only. */
  fmc?: number
}

export interface SnpReport {
  bytes: Uint8Array
  version: number
  guestSvn: number
  policy: bigint
  familyId: Uint8Array
  imageId: Uint8Array
  vmpl: number
  signatureAlgorithm: number
  currentTcb: Uint8Array
  platformInfo: bigint
  /** 0 = VCEK, 1 = VLEK, 7 = none (key_info bits 4:2). */
  signingKey: number
  /** key_info bit 1: the firmware zeroed CHIP_ID on purpose. */
  chipIdMasked: boolean
  reportData: Uint8Array
  measurement: Uint8Array
  hostData: Uint8Array
  idKeyDigest: Uint8Array
  authorKeyDigest: Uint8Array
  reportId: Uint8Array
  reportedTcb: Uint8Array
  /** CPUID family/model/stepping; v3 and later, zero before. */
  cpuid: {family: number; model: number; stepping: number}
  chipId: Uint8Array
  committedTcb: Uint8Array
  launchTcb: Uint8Array
  firmware: {major: number; minor: number; build: number}
  /** ECDSA P-384 r‖s, big-endian, 48 bytes each, ready for node:crypto. */
  signature: Uint8Array
  /** Bytes the signature does not cover and the firmware leaves zero: r/s padding and the reserved tail. */
  unsignedPadding: Uint8Array
}

export const POLICY_DEBUG_BIT = 19n

export function parseSnpReport(bytes: Uint8Array): SnpReport {
  if (bytes.length !== SNP_REPORT_SIZE) {
    throw new EvidenceError(`an SEV-SNP report is ${SNP_REPORT_SIZE} bytes; this one is ${bytes.length} (truncated, or not an SNP report)`)
  }
  const r = new ByteReader(bytes, 'SNP report')
  const version = r.u32(0x00)
  if (version < 2) throw new EvidenceError(`SNP report version ${version} is not supported (2 or later)`)
  const keyInfo = r.u32(0x48)
  const rLe = r.slice(0x2a0, 72)
  const sLe = r.slice(0x2e8, 72)
  return {
    bytes,
    version,
    guestSvn: r.u32(0x04),
    policy: r.u64(0x08),
    familyId: r.slice(0x10, 16),
    imageId: r.slice(0x20, 16),
    vmpl: r.u32(0x30),
    signatureAlgorithm: r.u32(0x34),
    currentTcb: r.slice(0x38, 8),
    platformInfo: r.u64(0x40),
    signingKey: (keyInfo >> 2) & 0x7,
    chipIdMasked: Boolean(keyInfo & 0x2),
    reportData: r.slice(0x50, 64),
    measurement: r.slice(0x90, 48),
    hostData: r.slice(0xc0, 32),
    idKeyDigest: r.slice(0xe0, 48),
    authorKeyDigest: r.slice(0x110, 48),
    reportId: r.slice(0x140, 32),
    reportedTcb: r.slice(0x180, 8),
    cpuid: {family: r.u8(0x188), model: r.u8(0x189), stepping: r.u8(0x18a)},
    chipId: r.slice(0x1a0, 64),
    committedTcb: r.slice(0x1e0, 8),
    firmware: {build: r.u8(0x1e8), minor: r.u8(0x1e9), major: r.u8(0x1ea)},
    launchTcb: r.slice(0x1f0, 8),
    signature: new Uint8Array([...littleToBig(rLe.subarray(0, 48)), ...littleToBig(sLe.subarray(0, 48))]),
    unsignedPadding: new Uint8Array([...rLe.subarray(48), ...sLe.subarray(48), ...r.slice(0x330, SNP_REPORT_SIZE - 0x330)]),
  }
}

function littleToBig(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes).reverse()
}

/** Milan and Genoa: [bl, tee, 0, 0, 0, 0, snp, ucode]. Turin: [fmc, bl, tee, snp, 0, 0, 0, ucode]. */
export function decodeTcb(raw: Uint8Array, product: AmdProduct | undefined): TcbVersion {
  if (product === 'Turin') return {raw, fmc: raw[0], bootloader: raw[1], tee: raw[2], snp: raw[3], microcode: raw[7]}
  return {raw, bootloader: raw[0], tee: raw[1], snp: raw[6], microcode: raw[7]}
}

/** From CPUID family/model (reports v3+); undefined when the report does not say (v2). */
export function productFromCpuid(report: SnpReport): AmdProduct | undefined {
  const {family, model} = report.cpuid
  if (family === 0x19 && model <= 0x0f) return 'Milan'
  if (family === 0x19 && ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf))) return 'Genoa'
  if (family === 0x1a && model <= 0x11) return 'Turin'
  return undefined
}

export function debugAllowed(report: SnpReport): boolean {
  return Boolean((report.policy >> POLICY_DEBUG_BIT) & 1n)
}

export function tcbText(tcb: TcbVersion): string {
  return `${tcb.fmc === undefined ? '' : `fmc=${tcb.fmc} `}bl=${tcb.bootloader} tee=${tcb.tee} snp=${tcb.snp} ucode=${tcb.microcode}`
}
