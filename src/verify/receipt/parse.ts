/**
 * Reading a receipt file back: the DSSE envelope, the payload bytes that were signed, and the
 * statement inside them, with every field the verifier relies on checked for presence and type. A
 * receipt is input from anyone; any problem is a sentence, never an exception.
 */
import {fromBase64} from './dsse.js'
import {type DsseEnvelope, PAYLOAD_TYPE, PREDICATE_TYPE, type ReceiptStatement, STATEMENT_TYPE} from './types.js'

export type ParsedReceipt = {ok: true; envelope: DsseEnvelope; payload: Uint8Array; statement: ReceiptStatement} | {ok: false; problem: string}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const HEX64 = /^[0-9a-f]{64}$/

export function parseReceipt(input: unknown): ParsedReceipt {
  let value = input
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input))
    } catch {
      return {ok: false, problem: 'the file is not JSON'}
    }
  }
  if (!isObject(value)) return {ok: false, problem: 'the receipt is not a JSON object (a DSSE envelope)'}
  const {payloadType, payload, signatures} = value
  if (typeof payloadType !== 'string' || typeof payload !== 'string' || !Array.isArray(signatures)) {
    return {ok: false, problem: 'the receipt is not a DSSE envelope (payloadType, payload and signatures)'}
  }
  if (payloadType !== PAYLOAD_TYPE) return {ok: false, problem: `the payload type is "${payloadType}", not ${PAYLOAD_TYPE}`}
  if (signatures.length === 0) return {ok: false, problem: 'the envelope has no signature'}
  if (!signatures.every((s) => isObject(s) && typeof s.sig === 'string' && typeof (s.keyid ?? '') === 'string')) {
    return {ok: false, problem: 'a signature entry lacks its sig or has a keyid that is not a string'}
  }
  const bytes = fromBase64(payload)
  if (!bytes) return {ok: false, problem: 'the payload is not base64'}
  let statement: unknown
  try {
    statement = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(bytes))
  } catch {
    return {ok: false, problem: 'the payload is not UTF-8 JSON'}
  }
  const problem = statementProblem(statement)
  if (problem) return {ok: false, problem}
  const envelope: DsseEnvelope = {payloadType, payload, signatures: signatures.map((s) => ({keyid: String(s.keyid ?? ''), sig: String(s.sig)}))}
  return {ok: true, envelope, payload: bytes, statement: statement as ReceiptStatement}
}

/** What is wrong with a statement, or undefined: the fields verification reads, with their types. */
function statementProblem(s: unknown): string | undefined {
  if (!isObject(s)) return 'the payload is not a JSON object'
  if (s._type !== STATEMENT_TYPE) return `the statement type is "${String(s._type)}", not ${STATEMENT_TYPE}`
  if (s.predicateType !== PREDICATE_TYPE) return `the predicate type is "${String(s.predicateType)}", not ${PREDICATE_TYPE}`
  if (!Array.isArray(s.subject) || s.subject.length === 0 || !s.subject.every((x) => isObject(x) && isObject(x.digest))) {
    return 'the statement has no subjects with digests'
  }
  const p = s.predicate
  if (!isObject(p)) return 'the statement has no predicate'
  const field = (path: string, ok: (v: unknown) => boolean): string | undefined => {
    const v = path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), p)
    return ok(v) ? undefined : `predicate.${path} is missing or malformed`
  }
  const str = (v: unknown) => typeof v === 'string' && v.length > 0
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0
  const optInt = (v: unknown) => v === undefined || int(v)
  const problem =
    field('network.chainId', str) ??
    field('tenant.address', str) ??
    field('tenant.pubkey', str) ??
    field('provider.address', str) ??
    field('lease.owner', str) ??
    field('lease.dseq', (v) => typeof v === 'string' && /^\d+$/.test(v)) ??
    field('lease.gseq', int) ??
    field('lease.oseq', int) ??
    field('lease.provider', str) ??
    field('heights.leaseCreated', int) ??
    field('heights.leaseClosed', optInt) ??
    field('heights.deploymentCreated', optInt) ??
    field('manifest.version', (v) => typeof v === 'string' && HEX64.test(v)) ??
    field('price.denom', str) ??
    field('price.perBlock', (v) => typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) ??
    field('images', Array.isArray) ??
    field('createdAt', str)
  if (problem) return problem
  // The subjects must say what the predicate says, or a reader of one is misled by the other.
  const subjects = s.subject as Array<{name?: unknown; digest: Record<string, unknown>}>
  const manifest = subjects.find((x) => x.name === 'manifest')
  const predicate = p as unknown as ReceiptStatement['predicate']
  if (!manifest || manifest.digest.sha256 !== predicate.manifest.version) return 'the manifest subject does not carry predicate.manifest.version'
  if (predicate.provider.address !== predicate.lease.provider) return 'predicate.provider.address and predicate.lease.provider differ'
  return undefined
}
