/**
 * x/cert (akash.cert.v1): mTLS client certificates on chain. Create (PEM certificate + EC public
 * key, CN = owner, serial unique per owner), revoke, and the Certificates query with its
 * owner/serial/state filters. Port of node v2.1 x/cert.
 *
 * Store: cert/<state>/<owner bytes hex>/<serial length hex><serial bytes hex> → Certificate.
 * (state 1 valid, 2 revoked; serial as node keys it: length-prefixed big-endian bytes.)
 */
import {fromHex, toBech32} from '@cosmjs/encoding'
import {
  Cert_State as CertState,
  Certificate,
  MsgCreateCertificate,
  MsgCreateCertificateResponse,
  MsgRevokeCertificate,
  MsgRevokeCertificateResponse,
  QueryCertificatesRequest,
  QueryCertificatesResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {Context, Module, MsgRoute, QueryRoute} from '../../types.js'
import {addressKey, BECH32_PREFIX, isAddress} from '../common/address.js'
import {Grpc, queryStatus, SdkErr} from '../common/errors.js'
import {u64} from '../common/long.js'
import {paginatePrefixes} from '../common/pagination.js'
import {CertErr} from './errors.js'
import {parseAndValidateCertificate} from './x509.js'


const CERTS = 'cert/'
const MAX_SERIAL_BYTES = 40

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the genesis section has no fields yet; an interface so modules read alike
export interface CertGenesis {}

export interface CertKeeper {
  get(ctx: Context, owner: string, serial: bigint): {state: CertState; certificate: Certificate} | undefined
}

/** big.Int.Bytes(): the magnitude, big-endian, minimal (a sign is dropped, as in Go). */
function serialBytes(serial: bigint): string {
  if (serial === 0n) return ''
  const hex = (serial < 0n ? -serial : serial).toString(16)
  return hex.length % 2 === 0 ? hex : `0${hex}`
}

/** `serialPrefix`: length byte + big-endian bytes; nothing for 0. */
function serialKey(serial: bigint): string {
  const hex = serialBytes(serial)
  if (hex === '') return ''
  const len = hex.length / 2
  if (len > MAX_SERIAL_BYTES) {
    throw SdkErr.unknownAddress.wrap(`serial length should be max ${MAX_SERIAL_BYTES} bytes, got ${len}`)
  }
  return len.toString(16).padStart(2, '0') + hex
}

function certKey(state: CertState, owner: string, serial: bigint): string {
  return `${CERTS}${state}/${addressKey(owner)}/${serialKey(serial)}`
}

function parseCertKey(key: string): {owner: string; serial: bigint} {
  const [, ownerHex, serial] = key.slice(CERTS.length).split('/')
  const bytes = serial.slice(2)
  return {owner: toBech32(BECH32_PREFIX, fromHex(ownerHex)), serial: bytes === '' ? 0n : BigInt(`0x${bytes}`)}
}

function parseSerial(text: string): bigint | undefined {
  // big.Int.SetString(s, 10) accepts an optional sign and decimal digits.
  if (!/^[+-]?\d+$/.test(text)) return undefined
  return BigInt(text)
}

export function certModule(): Module & {keeper: CertKeeper} {
  const find = (ctx: Context, owner: string, serial: bigint) => {
    for (const state of [CertState.valid, CertState.revoked]) {
      const key = certKey(state, owner, serial)
      const raw = ctx.store.get(key)
      if (raw) return {key, state, certificate: Certificate.decode(raw)}
    }
    return undefined
  }

  const keeper: CertKeeper = {
    get(ctx, owner, serial) {
      if (!isAddress(owner)) return undefined
      const hit = find(ctx, owner, serial)
      return hit ? {state: hit.state, certificate: hit.certificate} : undefined
    },
  }

  const create: MsgRoute<MsgCreateCertificate> = {
    codec: MsgCreateCertificate,
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      if (!isAddress(msg.owner)) throw SdkErr.invalidAddress.wrap('MsgCreateCertificate: Invalid Owner Address')
      parseAndValidateCertificate(msg.owner, msg.cert, msg.pubkey)
    },
    handle(ctx, msg) {
      const serial = parseAndValidateCertificate(msg.owner, msg.cert, msg.pubkey)
      if (find(ctx, msg.owner, serial)) throw CertErr.certificateExists()
      const value = Certificate.fromPartial({state: CertState.valid, cert: msg.cert, pubkey: msg.pubkey})
      ctx.store.set(certKey(CertState.valid, msg.owner, serial), Certificate.encode(value).finish())
      return MsgCreateCertificateResponse.encode({}).finish()
    },
  }

  const revoke: MsgRoute<MsgRevokeCertificate> = {
    codec: MsgRevokeCertificate,
    signers: (msg) => [msg.id?.owner ?? ''],
    validateBasic(msg) {
      if (!isAddress(msg.id?.owner ?? '')) throw SdkErr.invalidAddress.wrap('MsgRevoke: Invalid Owner Address')
      if (parseSerial(msg.id?.serial ?? '') === undefined) throw CertErr.invalidSerialNumber()
    },
    handle(ctx, msg) {
      const owner = msg.id!.owner
      const serial = parseSerial(msg.id!.serial)
      if (serial === undefined) throw CertErr.invalidSerialNumber()
      const hit = find(ctx, owner, serial)
      if (!hit) throw CertErr.certificateNotFound()
      if (hit.state === CertState.revoked) throw CertErr.certificateAlreadyRevoked()
      ctx.store.delete(hit.key)
      const value = {...hit.certificate, state: CertState.revoked}
      ctx.store.set(certKey(CertState.revoked, owner, serial), Certificate.encode(value).finish())
      return MsgRevokeCertificateResponse.encode({}).finish()
    },
  }

  const certificates: QueryRoute<QueryCertificatesRequest, QueryCertificatesResponse> = {
    path: '/akash.cert.v1.Query/Certificates',
    http: '/akash/cert/v1/certificates/list',
    request: QueryCertificatesRequest,
    response: QueryCertificatesResponse,
    handle(ctx, req) {
      const filter = {owner: req.filter?.owner ?? '', serial: req.filter?.serial ?? '', state: req.filter?.state ?? ''}
      if (req.pagination && u64(req.pagination.offset) > 0n && filter.state === '') {
        throw queryStatus(Grpc.invalidArgument, 'invalid request parameters. if offset is set, filter.state must be provided')
      }
      let states = [CertState.valid, CertState.revoked]
      if (filter.state !== '') {
        const value = ({valid: CertState.valid, revoked: CertState.revoked} as Record<string, CertState>)[filter.state]
        if (value === undefined) throw queryStatus(Grpc.invalidArgument, 'invalid state value')
        states = [value]
      }
      let tail = ''
      if (filter.owner !== '') {
        if (!isAddress(filter.owner)) throw queryStatus(Grpc.internal, `invalid owner address ${filter.owner}`)
        tail = `${addressKey(filter.owner)}/`
        if (filter.serial !== '') {
          const serial = parseSerial(filter.serial)
          if (serial === undefined) throw queryStatus(Grpc.internal, `invalid serial ${filter.serial}`)
          tail += serialKey(serial)
        }
      }
      const page = paginatePrefixes(
        ctx.store,
        states.map((s) => `${CERTS}${s}/${tail}`),
        req.pagination,
        (key, value) => ({certificate: Certificate.decode(value), serial: parseCertKey(key).serial.toString()}),
      )
      return QueryCertificatesResponse.fromPartial({certificates: page.items, pagination: page.pagination})
    },
  }

  return {
    name: 'cert',
    msgs: [create, revoke],
    queries: [certificates],
    initGenesis() {
      // edge dev starts with no certificates.
    },
    keeper,
  }
}
