import type {NetworkContext} from '../../config/networks.js'
import type {Sdl} from '../../sdl/index.js'
import type {Coin, GroupSpec, Market, ProviderInfo} from '../../market/market.js'
import type {ProviderClient, TokenSource} from '../../provider-client/client.js'
import type {JwtKey} from '../../provider-client/jwt.js'
import type {HandshakeProbe} from '../../provider-client/probe.js'
import type {Ledger} from '../ledger/ledger.js'
import type {Explanation, ScoredBid, Strategy} from './scoring.js'
import type {Excluded} from './candidates.js'
import type {BidView} from './events.js'
import type {ScreenResult} from '../screen/screen.js'
import type {BaseAmount, PerBlockText} from '../../protocol/json-fields.js'
import type {DeployTtl} from './ttl-view.js'

export type {ScreenResult} from '../screen/screen.js'

/** What the flow asks the person at the terminal (only when a chooser is given). */
export interface ChoiceRequest {
  gseq: number
  groupName: string
  bids: ScoredBid[]
  /** `bids` as the table shows them, same order: a view formats rows without loading the flow. */
  rows: BidView[]
  excluded: Excluded[]
  strategy: Strategy
}

export interface MintConfirmation {
  shortfallUact: bigint
  burnUakt: bigint
  expectedUact?: bigint
}

export interface DeployDeps {
  market: Market
  network: NetworkContext
  ledger: Ledger
  /** The tenant's key, for provider JWTs. */
  key: JwtKey
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  probe?: HandshakeProbe
  /** Builds the provider client (tests pass extra trusted roots or fakes). */
  clientFor?: (provider: ProviderInfo, token: TokenSource) => ProviderClient
  /** Interactive bid picker; without it `select` must be given. */
  choose?: (request: ChoiceRequest) => Promise<ScoredBid>
  /** Interactive "mint ACT?" question; without it only `mint: true` mints. */
  confirmMint?: (request: MintConfirmation) => Promise<boolean>
}

/** An SDL read and validated before the flow starts (`validateSdl`). */
export interface ValidatedSdl {
  sdl: Sdl
  /** How long reading and validating took, reported as the validate step's time. */
  elapsedMs: number
}

/**
 * What a deploy asks for: the SDL and every choice that shapes the order, the bids and the run.
 * `planDeploy` turns it into a plan; the plan keeps it, and `applyDeploy` reads its choices.
 */
export interface DeployInput {
  file: string
  /** The SDL, already validated (its events were emitted then); without it the flow reads `file`. */
  validated?: ValidatedSdl
  /** cheapest | fastest | balanced | a provider address; undefined → ask through `choose`. */
  select?: string
  /** USD/h × 10^18 for the whole deployment. */
  maxUsdPerHour?: bigint
  region?: string
  bidTimeoutMs: number
  /** Blocks to keep collecting bids after the first acceptable one (default: 1 on edge dev, 3 elsewhere). */
  settleBlocks?: number
  deposit?: Coin
  budgetUsd?: bigint
  ttlMs?: number
  keep: boolean
  idempotencyKey?: string
  labels: Record<string, string>
  /** Plan only: check the funds read-only, list the matching providers, create nothing. */
  dryRun: boolean
  /** `--screen`: ask every provider's bid screening before creating anything; nobody willing is exit 3. */
  screenRequired?: boolean
  mint: boolean
  readyTimeoutMs: number
  /** Cancels the run (Ctrl-C); `applyDeploy` may be given another. */
  signal?: AbortSignal
  /**
   * Asks providers, before anything is created, whether they would bid on the groups (the
   * screening service, src/services/screen). Its answer goes into the plan.
   */
  screen?: ScreenFn
}

export type ScreenFn = (groups: GroupSpec[]) => Promise<ScreenResult>


/** A whole `edge deploy` run (plan, then apply): the input with the run's cancellation signal. */
export interface DeployOptions extends DeployInput {
  signal: AbortSignal
}

export interface DeployedService {
  name: string
  ready: number
  total: number
  uris: string[]
}

/** How a provider runs a lease (edge providers say; Akash's do not). */
export interface LeaseRuntime {
  /** docker (containers) or process (host processes, edge dev only). */
  kind: string
  /** e.g. "Podman Engine", "host processes". */
  engine: string
  /** Isolated from the provider's machine (containers). */
  isolated: boolean
  /** The SDL's image is what runs. */
  usesImages: boolean
  /** One line for people: "host processes: the image is ignored, not isolated from the provider's machine". */
  summary: string
}

export interface DeployLease {
  provider: string
  hostUri: string
  region?: string
  gseq: number
  oseq: number
  bseq: number
  perBlock: PerBlockText
  denom: string
  /** null: priced in AKT with no AKT price from the chain (the run warns). */
  usdPerHour?: string | null
  usdPerMonth?: string | null
  /** How the provider runs it, when it says (edge providers). */
  runtime?: LeaseRuntime
}

export interface DeployResult {
  dseq: bigint
  owner: string
  network: string
  state: 'ready' | 'dry-run'
  /** Reached through an idempotency key instead of opened now. */
  reused: boolean
  leases: DeployLease[]
  /** Sum over the leases. */
  price?: {usdPerHour?: string | null; usdPerMonth?: string | null; perBlock: PerBlockText; denom: string}
  deposit: {amount: BaseAmount; denom: string; display: string}
  services: DeployedService[]
  /** Every URI a service can be reached at: http(s) URLs and host:port forwards. */
  uris: string[]
  forwardedPorts: Array<{service: string; host: string; port: number; externalPort: number; proto: string}>
  hash: string
  idempotencyKey?: string
  labels: Record<string, string>
  expiresAt?: string
  /** With --ttl: whether the chain itself ends the lease at the TTL (the deposit sized to it). */
  ttl?: DeployTtl
  budgetUsd?: string
  explanation?: Explanation
  /** Block heights: start, deployment included, first bid seen, lease included, services ready. */
  blocks: {start: number; created?: number; firstBid?: number; leased?: number; ready?: number}
  /** Milliseconds per step, and in total. */
  timings: Record<string, number>
  /** For --dry-run: providers that match the order on chain. */
  matchingProviders?: Array<{provider: string; hostUri: string; region?: string}>
  /** Bid screening (--screen, --dry-run): who would bid at what, and why not. */
  screening?: ScreenResult
}
