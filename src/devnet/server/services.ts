import {
  ABCIQueryRequest,
  ABCIQueryResponse,
  AuthInfo,
  BroadcastTxRequest,
  BroadcastTxResponse,
  GetBlockByHeightRequest,
  GetBlockByHeightResponse,
  GetLatestBlockRequest,
  GetLatestBlockResponse,
  GetLatestValidatorSetRequest,
  GetLatestValidatorSetResponse,
  GetNodeInfoRequest,
  GetNodeInfoResponse,
  GetSyncingRequest,
  GetSyncingResponse,
  GetTxRequest,
  GetTxResponse,
  GetTxsEventRequest,
  GetTxsEventResponse,
  GetValidatorSetByHeightRequest,
  GetValidatorSetByHeightResponse,
  SimulateRequest,
  SimulateResponse,
  Tx,
  TxBody,
  TxDecodeRequest,
  TxDecodeResponse,
  TxEncodeRequest,
  TxEncodeResponse,
  TxRaw,
  TxResponse,
} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {toBech32} from '@cosmjs/encoding'
import {sha256} from '@noble/hashes/sha256'

import {type DevApp, MempoolError} from '../app.js'
import type {BlockRecord, TxRecord} from '../core/records.js'
import {GrpcCode, QueryError, invalidArgument, notFound, queryFailure} from '../core/query-error.js'
import {parseQuery, QueryParseError} from '../core/tx-query.js'
import {txHash} from '../core/tx-decode.js'
import type {AbciEvent} from '../types.js'
import {type CometRenderer, COMET_VERSION} from './comet-json.js'
import {NODE_APP_VERSION} from './rpc-methods.js'


function decodeStoredTx(bytes: Uint8Array): Tx {
  const raw = TxRaw.decode(bytes)
  return Tx.fromPartial({body: TxBody.decode(raw.bodyBytes), authInfo: AuthInfo.decode(raw.authInfoBytes), signatures: raw.signatures})
}

function eventsProto(events: AbciEvent[]) {
  return events.map((e) => ({type: e.type, attributes: e.attributes.map((a) => ({key: a.key, value: a.value, index: a.index ?? true}))}))
}

/** A committed tx as the SDK's `TxResponse` (data as upper-case hex, tx as an Any). */
export function txResponse(app: DevApp, record: TxRecord): TxResponse {
  const time = app.db.blockTime(record.height)
  return TxResponse.fromPartial({
    height: BigInt(record.height),
    txhash: record.hash,
    codespace: record.result.codespace,
    code: record.result.code,
    data: Buffer.from(record.result.data).toString('hex').toUpperCase(),
    rawLog: record.result.log,
    logs: [],
    info: '',
    gasWanted: BigInt(record.result.gasWanted),
    gasUsed: BigInt(record.result.gasUsed),
    // Tx and TxRaw share one wire layout, so the stored bytes are the Any's value.
    tx: {typeUrl: '/cosmos.tx.v1beta1.Tx', value: record.tx},
    timestamp: time ? time.replace(/\.\d+Z$/, 'Z') : '',
    events: eventsProto(record.result.events),
  })
}

/** cosmos.tx.v1beta1.Service: Simulate, GetTx, GetTxsEvent, BroadcastTx, TxDecode, TxEncode. */
export function registerTxService(app: DevApp): void {
  const q = app.queries
  q.add({
    path: '/cosmos.tx.v1beta1.Service/Simulate',
    http: '/cosmos/tx/v1beta1/simulate',
    httpMethod: 'POST',
    request: SimulateRequest,
    response: SimulateResponse,
    handle(request) {
      const req = request as SimulateRequest
      let bytes = req.txBytes
      if (bytes.length === 0 && req.tx) bytes = Tx.encode(req.tx).finish()
      if (bytes.length === 0) throw invalidArgument('empty txBytes is not allowed')
      const r = app.simulate(bytes)
      return SimulateResponse.fromPartial({
        gasInfo: {gasWanted: BigInt(r.gasWanted), gasUsed: BigInt(r.gasUsed)},
        result: {data: r.data, log: r.log, events: eventsProto(r.events), msgResponses: r.msgResponses},
      })
    },
  })
  q.add({
    path: '/cosmos.tx.v1beta1.Service/GetTx',
    http: '/cosmos/tx/v1beta1/txs/{hash}',
    request: GetTxRequest,
    response: GetTxResponse,
    handle(request) {
      const {hash} = request as GetTxRequest
      if (!hash) throw invalidArgument('request cannot be nil')
      const record = app.db.tx(hash)
      if (!record) throw notFound(`tx not found: ${hash}`)
      return GetTxResponse.fromPartial({tx: decodeStoredTx(record.tx), txResponse: txResponse(app, record)})
    },
  })
  q.add({
    path: '/cosmos.tx.v1beta1.Service/GetTxsEvent',
    http: '/cosmos/tx/v1beta1/txs',
    request: GetTxsEventRequest,
    response: GetTxsEventResponse,
    handle(request) {
      const req = request as GetTxsEventRequest
      const text = req.query || req.events.join(' AND ')
      if (!text) throw invalidArgument('query cannot be empty')
      let query
      try {
        query = parseQuery(text)
      } catch (error) {
        if (error instanceof QueryParseError) throw invalidArgument(error.message)
        throw error
      }
      const limit = Math.min(Math.max(Number(req.limit.toString()) || Number(req.pagination?.limit.toString() ?? 0) || 100, 1), 100)
      const page = Math.max(Number(req.page.toString()) || 1, 1)
      const order = req.orderBy === 2 ? 'desc' : 'asc'
      const {total, txs} = app.db.searchTxs(query, page, limit, order)
      return GetTxsEventResponse.fromPartial({
        txs: txs.map((t) => decodeStoredTx(t.tx)),
        txResponses: txs.map((t) => txResponse(app, t)),
        total: BigInt(total),
      })
    },
  })
  q.add({
    path: '/cosmos.tx.v1beta1.Service/BroadcastTx',
    http: '/cosmos/tx/v1beta1/txs',
    httpMethod: 'POST',
    request: BroadcastTxRequest,
    response: BroadcastTxResponse,
    async handle(request) {
      const req = request as BroadcastTxRequest
      if (req.txBytes.length === 0) throw invalidArgument('invalid empty tx')
      // BROADCAST_MODE_BLOCK (1) was removed from the SDK; SYNC = 2, ASYNC = 3.
      if (req.mode !== 2 && req.mode !== 3) throw invalidArgument(`unsupported broadcast mode ${req.mode}; supported modes: sync, async`)
      const hash = txHash(req.txBytes)
      if (req.mode === 3) {
        void app.checkTx(req.txBytes).catch(() => {})
        return BroadcastTxResponse.fromPartial({txResponse: {txhash: hash}})
      }
      let r
      try {
        r = await app.checkTx(req.txBytes)
      } catch (error) {
        if (error instanceof MempoolError) {
          return BroadcastTxResponse.fromPartial({txResponse: {txhash: hash, code: 19, codespace: 'sdk', rawLog: 'tx already exists in cache'}})
        }
        throw error
      }
      return BroadcastTxResponse.fromPartial({
        txResponse: {txhash: r.hash, code: r.code, codespace: r.codespace, rawLog: r.log, gasWanted: BigInt(r.gasWanted), gasUsed: BigInt(r.gasUsed)},
      })
    },
  })
  q.add({
    path: '/cosmos.tx.v1beta1.Service/TxDecode',
    http: '/cosmos/tx/v1beta1/decode',
    httpMethod: 'POST',
    request: TxDecodeRequest,
    response: TxDecodeResponse,
    handle(request) {
      try {
        return TxDecodeResponse.fromPartial({tx: decodeStoredTx((request as TxDecodeRequest).txBytes)})
      } catch (error) {
        throw invalidArgument((error as Error).message)
      }
    },
  })
  q.add({
    path: '/cosmos.tx.v1beta1.Service/TxEncode',
    http: '/cosmos/tx/v1beta1/encode',
    httpMethod: 'POST',
    request: TxEncodeRequest,
    response: TxEncodeResponse,
    handle(request) {
      const {tx} = request as TxEncodeRequest
      if (!tx) throw invalidArgument('invalid empty tx')
      return TxEncodeResponse.fromPartial({txBytes: Tx.encode(tx).finish()})
    },
  })
}

/**
 * A block as `tendermint.types.Block`, and as the SDK's `sdkBlock`, which differs only in writing
 * the proposer as a bech32 consensus address.
 */
function blockProtos(renderer: CometRenderer, app: DevApp, block: BlockRecord): {block: Record<string, unknown>; sdkBlock: Record<string, unknown>} {
  const prev = block.height > 1 ? app.db.block(block.height - 1) : undefined
  const validator = Buffer.from(renderer.validatorAddress, 'hex')
  const hashBytes = (hex: string) => Buffer.from(hex, 'hex')
  const h = renderer.headerJson(block) as Record<string, string>
  const header = {
    version: {block: BigInt(11), app: BigInt(0)},
    chainId: app.chainId,
    height: BigInt(block.height),
    time: new Date(block.time),
    lastBlockId: block.lastBlockHash.length
      ? {hash: block.lastBlockHash, partSetHeader: {total: 1, hash: sha256(block.lastBlockHash)}}
      : {hash: new Uint8Array(), partSetHeader: {total: 0, hash: new Uint8Array()}},
    lastCommitHash: hashBytes(h.last_commit_hash),
    dataHash: block.dataHash,
    validatorsHash: hashBytes(h.validators_hash),
    nextValidatorsHash: hashBytes(h.next_validators_hash),
    consensusHash: hashBytes(h.consensus_hash),
    appHash: block.appHash,
    lastResultsHash: block.lastResultsHash,
    evidenceHash: hashBytes(h.evidence_hash),
    proposerAddress: validator,
  }
  const body = {
    data: {txs: block.txs},
    evidence: {evidence: []},
    lastCommit: prev
      ? {
          height: BigInt(prev.height),
          round: 0,
          blockId: {hash: prev.hash, partSetHeader: {total: 1, hash: sha256(prev.hash)}},
          // The same signature the RPC's last_commit carries.
          signatures: [{blockIdFlag: 2, validatorAddress: validator, timestamp: new Date(prev.time), signature: renderer.commitSignature(prev)}],
        }
      : {height: BigInt(0), round: 0, blockId: {hash: new Uint8Array(), partSetHeader: {total: 0, hash: new Uint8Array()}}, signatures: []},
  }
  return {
    block: {header, ...body},
    sdkBlock: {header: {...header, proposerAddress: toBech32('akashvalcons', validator)}, ...body},
  }
}

/** cosmos.base.tendermint.v1beta1.Service: node info, syncing, blocks, validator sets, ABCI query. */
export function registerTendermintService(app: DevApp, renderer: CometRenderer): void {
  const q = app.queries
  const blockResponse = (block: BlockRecord): never =>
    ({blockId: {hash: block.hash, partSetHeader: {total: 1, hash: sha256(block.hash)}}, ...blockProtos(renderer, app, block)}) as never
  const validatorSet = (height: number) => ({
    blockHeight: BigInt(height),
    validators: [
      {
        address: toBech32('akashvalcons', Buffer.from(renderer.validatorAddress, 'hex')),
        pubKey: {
          typeUrl: '/cosmos.crypto.ed25519.PubKey',
          value: Uint8Array.from([10, 32, ...Buffer.from(renderer.validatorPubKeyJson().value, 'base64')]),
        },
        votingPower: BigInt(10),
        proposerPriority: BigInt(0),
      },
    ],
    pagination: {nextKey: new Uint8Array(), total: BigInt(1)},
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo',
    http: '/cosmos/base/tendermint/v1beta1/node_info',
    request: GetNodeInfoRequest,
    response: GetNodeInfoResponse,
    handle() {
      return GetNodeInfoResponse.fromPartial({
        defaultNodeInfo: {
          protocolVersion: {p2p: BigInt(8), block: BigInt(11), app: BigInt(0)},
          defaultNodeId: renderer.validatorAddress.toLowerCase(),
          listenAddr: 'tcp://127.0.0.1:26656',
          network: app.chainId,
          version: COMET_VERSION,
          channels: Buffer.from('40202122233038606100', 'hex'),
          moniker: 'edge-dev',
          other: {txIndex: 'on', rpcAddress: ''},
        },
        applicationVersion: {
          name: 'akash',
          appName: 'akash',
          version: NODE_APP_VERSION,
          gitCommit: '',
          buildTags: 'edge-dev',
          goVersion: '',
          buildDeps: [],
          cosmosSdkVersion: 'v0.53.7',
        },
      })
    },
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/GetSyncing',
    http: '/cosmos/base/tendermint/v1beta1/syncing',
    request: GetSyncingRequest,
    response: GetSyncingResponse,
    handle: () => GetSyncingResponse.fromPartial({syncing: false}),
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock',
    http: '/cosmos/base/tendermint/v1beta1/blocks/latest',
    request: GetLatestBlockRequest,
    response: GetLatestBlockResponse,
    handle() {
      const block = app.latestBlock()
      if (!block) throw notFound('no block yet')
      return GetLatestBlockResponse.fromPartial(blockResponse(block))
    },
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight',
    http: '/cosmos/base/tendermint/v1beta1/blocks/{height}',
    request: GetBlockByHeightRequest,
    response: GetBlockByHeightResponse,
    handle(request) {
      const height = Number((request as GetBlockByHeightRequest).height.toString())
      if (height > app.height()) throw invalidArgument('requested block height is bigger then the chain length')
      const block = app.db.block(height)
      if (!block) throw notFound(`block ${height} not found`)
      return GetBlockByHeightResponse.fromPartial(blockResponse(block))
    },
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet',
    http: '/cosmos/base/tendermint/v1beta1/validatorsets/latest',
    request: GetLatestValidatorSetRequest,
    response: GetLatestValidatorSetResponse,
    handle: () => GetLatestValidatorSetResponse.fromPartial(validatorSet(app.height())),
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight',
    http: '/cosmos/base/tendermint/v1beta1/validatorsets/{height}',
    request: GetValidatorSetByHeightRequest,
    response: GetValidatorSetByHeightResponse,
    handle(request) {
      const height = Number((request as GetValidatorSetByHeightRequest).height.toString())
      if (height > app.height()) throw invalidArgument('requested block height is bigger then the chain length')
      return GetValidatorSetByHeightResponse.fromPartial(validatorSet(height))
    },
  })
  q.add({
    path: '/cosmos.base.tendermint.v1beta1.Service/ABCIQuery',
    http: '/cosmos/base/tendermint/v1beta1/abci_query',
    request: ABCIQueryRequest,
    response: ABCIQueryResponse,
    async handle(request) {
      const req = request as ABCIQueryRequest
      if (req.path.startsWith('/cosmos.base.tendermint.v1beta1.Service/'))
        throw new QueryError(GrpcCode.invalidArgument, 'recursive ABCI queries are not allowed')
      try {
        const value = await app.queries.queryBytes(req.path, req.data, 'abci')
        return ABCIQueryResponse.fromPartial({code: 0, value, height: BigInt(app.height())})
      } catch (error) {
        const f = queryFailure(error)
        return ABCIQueryResponse.fromPartial({code: f.code, codespace: f.codespace, log: f.log, height: BigInt(app.height())})
      }
    },
  })
}
