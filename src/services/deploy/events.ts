/**
 * The events `edge deploy` yields: one source for both sinks (the Ink view and the JSONL
 * writer). Every event has `type` and `ts`; bigints are written as decimal strings.
 */
import type {Excluded} from './candidates.js'
import type {NoBidDiagnosis} from './diagnose.js'
import type {Explanation, Strategy} from './scoring.js'
import type {BaseAmount, PerBlockText} from '../../protocol/json-fields.js'

export type StepName = 'validate' | 'forecast' | 'screen' | 'funds' | 'mint' | 'create' | 'bids' | 'probe' | 'select' | 'lease' | 'manifest' | 'ready' | 'close'

export const STEP_ORDER: StepName[] = ['validate', 'forecast', 'screen', 'funds', 'mint', 'create', 'bids', 'probe', 'select', 'lease', 'manifest', 'ready']

export type StepStatus = 'started' | 'succeeded' | 'failed' | 'skipped'

/** One row of the bid table (Ink and JSON alike). */
export interface BidView {
  rank: number
  provider: string
  hostUri?: string
  region?: string
  gseq: number
  oseq: number
  bseq: number
  /** "$0.12/h" or a raw figure when the denom has no USD value. */
  price: string
  /** null: priced in AKT with no AKT price from the chain. */
  usdPerHour?: string | null
  // A decimal in the denom's display unit, "0.0000004 ACT/block" (formatPerBlock), not the base denom; the scaled
  // integer is perBlockScaled where a result has it. The schema description comes from PerBlockText.
  perBlock: PerBlockText
  denom: string
  latencyMs?: number
  latencyError?: string
  audited: boolean
  auditors: string[]
  gpu?: string
  score: number
}

export type DeployEvent = {ts: string} & (
  | {type: 'step'; step: StepName; status: StepStatus; message: string; elapsedMs?: number; height?: number}
  | {type: 'validated'; file: string; version: string; groups: number; services: string[]; hash: string; warnings: string[]}
  | {
      type: 'forecast'
      denom: string
      /** The most the order lets a provider charge (the SDL price). */
      maxPerBlock: string
      /** null: priced in AKT with no AKT price from the chain (a warning says so). */
      maxUsdPerHour?: string | null
      maxUsdPerMonth?: string | null
      deposit: {amount: BaseAmount; denom: string; display: string; usd?: string | null}
      budgetUsd?: string
      ttlMs?: number
      /** With a TTL: the deposit pays for no more than it at the maximum price, so the chain ends the lease by then. */
      ttlEnforcedByEscrow?: boolean
      /** With a TTL: how long the deposit pays for the lease at the order's maximum price. */
      escrowLastsMs?: number
      blockTimeMs: number
    }
  | {type: 'funds'; ok: boolean; balance: {uact: bigint; uakt: bigint}; needed: {denom: string; amount: BaseAmount}; shortfall?: bigint}
  | {type: 'mint'; status: 'submitted' | 'waiting' | 'done'; burnUakt: bigint; expectedUact?: bigint; txHash?: string; blocksWaited?: number; message: string}
  | {type: 'deployment_created'; dseq: bigint; txHash: string; height: number; reused?: boolean}
  | {type: 'bid'; provider: string; gseq: number; oseq: number; bseq: number; price: string; usdPerHour?: string | null; height: number}
  | {type: 'latency'; provider: string; hostUri: string; p50Ms?: number; p95Ms?: number; rttMs?: number; samples: number; error?: string}
  | {type: 'bids_scored'; gseq: number; strategy: Strategy; bids: BidView[]; excluded: Excluded[]}
  | {type: 'bid_selected'; gseq: number; provider: string; score: number; by: Strategy | 'provider' | 'user'; explanation?: Explanation}
  | {type: 'no_bids'; diagnosis: NoBidDiagnosis}
  | {type: 'lease_created'; provider: string; dseq: bigint; gseq: number; oseq: number; bseq: number; txHash?: string; height: number; reused?: boolean}
  | {type: 'manifest_sent'; provider: string; attempts: number}
  | {type: 'services'; ready: boolean; services: Array<{name: string; ready: number; total: number; uris: string[]}>}
  | {type: 'deployment_closed'; dseq: bigint; reason: string; txHash?: string}
  | {type: 'warning'; message: string}
)

export type DeployEventOf<T extends DeployEvent['type']> = Extract<DeployEvent, {type: T}>
