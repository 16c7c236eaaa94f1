/** akash.bme.v1 Query: Params, VaultState, Status and LedgerRecords (pending, executed, canceled). */
import {
  LedgerCanceledRecord,
  LedgerPendingRecord,
  LedgerRecord,
  LedgerRecordStatus,
  MintStatus,
  QueryLedgerRecordsRequest,
  QueryLedgerRecordsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryStatusRequest,
  QueryStatusResponse,
  QueryVaultStateRequest,
  QueryVaultStateResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {QueryRoute} from '../../types.js'
import {DENOM_UACT} from '../common/coins.js'
import {decFromInt, decQuo, formatDec} from '../common/dec.js'
import {Grpc, queryStatus} from '../common/errors.js'
import {u64} from '../common/long.js'
import {paginatePrefixes} from '../common/pagination.js'
import {BME_KEYS, BME_MODULE, type BmeKeeper, parseLedgerPath, supplyOf, toLedgerRecordID} from './keeper.js'

const STATUS_FILTERS: Record<string, LedgerRecordStatus> = {
  ledger_record_status_pending: LedgerRecordStatus.ledger_record_status_pending,
  ledger_record_status_executed: LedgerRecordStatus.ledger_record_status_executed,
  ledger_record_status_canceled: LedgerRecordStatus.ledger_record_status_canceled,
}

const PREFIX_OF: Record<number, string> = {
  [LedgerRecordStatus.ledger_record_status_pending]: BME_KEYS.pending,
  [LedgerRecordStatus.ledger_record_status_executed]: BME_KEYS.ledger,
  [LedgerRecordStatus.ledger_record_status_canceled]: BME_KEYS.canceled,
}

export function bmeQueries(keeper: BmeKeeper): QueryRoute[] {
  const paramsQuery: QueryRoute<QueryParamsRequest, QueryParamsResponse> = {
    path: '/akash.bme.v1.Query/Params',
    http: '/akash/bme/v1/params',
    request: QueryParamsRequest,
    response: QueryParamsResponse,
    handle: (ctx) => QueryParamsResponse.fromPartial({params: keeper.getParams(ctx)}),
  }

  const vaultState: QueryRoute<QueryVaultStateRequest, QueryVaultStateResponse> = {
    path: '/akash.bme.v1.Query/VaultState',
    http: '/akash/bme/v1/vault',
    request: QueryVaultStateRequest,
    response: QueryVaultStateResponse,
    handle(ctx) {
      const vault = ctx.bank.moduleAddress(BME_MODULE)
      const balances = new Map<string, bigint>()
      for (const c of ctx.bank.balances(vault)) balances.set(c.denom, c.amount)
      // node adds the ACT held outside the vault (supply − vault balance) to the balances.
      const supply = supplyOf(ctx, DENOM_UACT)
      if (supply !== undefined) {
        const outside = supply - ctx.bank.balance(vault, DENOM_UACT)
        balances.set(DENOM_UACT, (balances.get(DENOM_UACT) ?? 0n) + outside)
      }
      const coins = [...balances]
        .filter(([, amount]) => amount !== 0n)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([denom, amount]) => ({denom, amount: amount.toString()}))
      return QueryVaultStateResponse.fromPartial({
        vaultState: {
          balances: coins,
          totalBurned: keeper.counters(ctx, BME_KEYS.totalBurned),
          totalMinted: keeper.counters(ctx, BME_KEYS.totalMinted),
          remintCredits: keeper.counters(ctx, BME_KEYS.remint),
        },
      })
    },
  }

  const statusQuery: QueryRoute<QueryStatusRequest, QueryStatusResponse> = {
    path: '/akash.bme.v1.Query/Status',
    http: '/akash/bme/v1/status',
    request: QueryStatusRequest,
    response: QueryStatusResponse,
    handle(ctx) {
      const params = keeper.getParams(ctx)
      const status = keeper.getStatus(ctx).status
      // Without a healthy oracle price node's query fails with the oracle's error, as here.
      const cr = keeper.collateralRatio(ctx)
      const bps = (n: number) => formatDec(decQuo(decFromInt(BigInt(n)), decFromInt(10000n)))
      return QueryStatusResponse.fromPartial({
        status,
        collateralRatio: formatDec(cr),
        warnThreshold: bps(params.circuitBreakerWarnThreshold),
        haltThreshold: bps(params.circuitBreakerHaltThreshold),
        mintsAllowed: status < MintStatus.mint_status_halt_cr,
        refundsAllowed: status < MintStatus.mint_status_halt_oracle,
      })
    },
  }

  const ledgerRecords: QueryRoute<QueryLedgerRecordsRequest, QueryLedgerRecordsResponse> = {
    path: '/akash.bme.v1.Query/LedgerRecords',
    http: '/akash/bme/v1/ledger',
    request: QueryLedgerRecordsRequest,
    response: QueryLedgerRecordsResponse,
    handle(ctx, req) {
      const f = {
        source: req.filters?.source ?? '',
        denom: req.filters?.denom ?? '',
        toDenom: req.filters?.toDenom ?? '',
        status: req.filters?.status ?? '',
      }
      if (req.pagination && u64(req.pagination.offset) > 0n && f.status === '') {
        throw queryStatus(Grpc.invalidArgument, 'invalid request parameters. if offset is set, filter.status must be provided')
      }
      let statuses = [
        LedgerRecordStatus.ledger_record_status_pending,
        LedgerRecordStatus.ledger_record_status_executed,
        LedgerRecordStatus.ledger_record_status_canceled,
      ]
      if (f.status !== '') {
        const wanted = STATUS_FILTERS[f.status]
        if (wanted === undefined) throw queryStatus(Grpc.invalidArgument, 'invalid status filter value')
        statuses = [wanted]
      }
      const prefixes = statuses.map((s) => PREFIX_OF[s])
      const page = paginatePrefixes(ctx.store, prefixes, req.pagination, (key, value) => {
        const prefix = prefixes.find((p) => key.startsWith(p))!
        const id = parseLedgerPath(key.slice(prefix.length))
        if (f.denom && f.denom !== id.denom) return undefined
        if (f.toDenom && f.toDenom !== id.toDenom) return undefined
        if (f.source && f.source !== id.source) return undefined
        const entry = {id: toLedgerRecordID(id)}
        if (prefix === BME_KEYS.pending) {
          return {...entry, status: LedgerRecordStatus.ledger_record_status_pending, pendingRecord: LedgerPendingRecord.decode(value)}
        }
        if (prefix === BME_KEYS.ledger) {
          return {...entry, status: LedgerRecordStatus.ledger_record_status_executed, executedRecord: LedgerRecord.decode(value)}
        }
        return {...entry, status: LedgerRecordStatus.ledger_record_status_canceled, canceledRecord: LedgerCanceledRecord.decode(value)}
      })
      return QueryLedgerRecordsResponse.fromPartial({records: page.items, pagination: page.pagination})
    },
  }

  return [paramsQuery, vaultState, statusQuery, ledgerRecords]
}
