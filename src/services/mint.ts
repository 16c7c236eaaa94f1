/**
 * Minting ACT from AKT (BME). `MsgMintACT` burns AKT and queues the mint; the chain executes it
 * at the next BME epoch (≥ 10 blocks), so edge waits, block by block, until the ACT is in the
 * wallet. The chain mints at the oracle price minus a spread, and cancels (refunding the AKT) a
 * mint that would yield less than its `Params.min_mint`, so edge never sends one.
 */
import {CancelledError, ChainError, InsufficientFundsError, UsageError} from '../errors.js'
import type {AktPrice, Market} from '../market/market.js'
import {DEC_SCALE, divRound, formatCoin} from '../protocol/money.js'

/** node v2.1's default `Params.min_mint` (10 ACT), for a chain whose BME params cannot be read. */
export const DEFAULT_MIN_MINT_UACT = 10_000_000n
/** AKT kept back for the fees of the transactions that follow (mint, create, lease, close). */
export const FEE_RESERVE_UAKT = 50_000n
/** Spread the chain takes (25 bps) plus headroom for the price moving before the epoch. */
const MINT_HEADROOM_BPS = 25n + 75n

export interface MintPlan {
  burnUakt: bigint
  /** What the mint should produce at the current price. */
  expectedUact?: bigint
  aktUsd?: bigint
}

/** How much AKT to burn for at least `uact` ACT (and never less than the chain's minimum). */
export function planMint(uact: bigint, price: AktPrice, minMintUact: bigint = DEFAULT_MIN_MINT_UACT): MintPlan {
  const target = uact < minMintUact ? minMintUact : uact
  const aktUsd = price.usd
  if (!aktUsd) {
    throw new InsufficientFundsError(`edge cannot tell how much AKT buys that much ACT: ${price.unavailable}.`, {
      code: 'mint_price_unknown',
      hint: 'Mint an amount of AKT yourself: `edge wallet mint 20akt`.',
    })
  }
  // uact (ACT ≈ $1) → USD → AKT: uakt = uact × 10^18 / aktUsd, plus headroom.
  const base = divRound(target * DEC_SCALE, aktUsd)
  const burnUakt = base + divRound(base * MINT_HEADROOM_BPS, 10_000n)
  return {burnUakt, expectedUact: target, aktUsd}
}

export type MintEvent =
  | {type: 'mint'; status: 'submitted'; burnUakt: bigint; expectedUact?: bigint; txHash: string; message: string}
  | {type: 'mint'; status: 'waiting'; burnUakt: bigint; expectedUact?: bigint; blocksWaited: number; message: string}
  | {type: 'mint'; status: 'done'; burnUakt: bigint; expectedUact?: bigint; blocksWaited: number; message: string}

export interface MintResult {
  burnedUakt: bigint
  mintedUact: bigint
  txHash: string
  submittedHeight: number
  doneHeight: number
  blocksWaited: number
  balanceUact: bigint
}

export interface MintRequest {
  /** AKT to burn; or */
  burnUakt?: bigint
  /** at least this much ACT (priced through the oracle). */
  uact?: bigint
  signal?: AbortSignal
  /** The AKT price when the caller has just read it (edge deploy); otherwise it is read here. */
  aktPrice?: AktPrice
  /** Blocks to wait for the epoch before giving up (default: 3 epochs + 20). */
  maxBlocks?: number
  /** The plan the user confirmed (prepareMint); made here when absent. */
  plan?: MintPlan
}

/**
 * What a mint will burn and give, checked against the wallet before anything is sent: the command
 * asks "burn how much AKT?" with these figures (ux-test D33), and a mint the wallet cannot pay for
 * is refused here rather than suggested.
 */
export async function prepareMint(market: Market, request: Omit<MintRequest, 'plan' | 'signal' | 'maxBlocks'>): Promise<MintPlan> {
  const tx = market.tx
  if (!tx) throw new UsageError('Minting needs a key to sign with.')
  const [balances, bme, price] = await Promise.all([
    market.balances(tx.address),
    market.bmeStatus(tx.address).catch(() => undefined),
    request.aktPrice ?? market.aktPrice(),
  ])
  const minMint = bme?.minMintUact ?? DEFAULT_MIN_MINT_UACT
  let plan: MintPlan
  if (request.burnUakt !== undefined) {
    plan = {burnUakt: request.burnUakt}
    if (price.usd) {
      plan.aktUsd = price.usd
      plan.expectedUact = divRound(request.burnUakt * price.usd * (10_000n - 25n), DEC_SCALE * 10_000n)
      if (plan.expectedUact < minMint) {
        throw new UsageError(
          `Burning ${formatCoin(request.burnUakt, 'uakt')} would mint about ${formatCoin(plan.expectedUact, 'uact')}; the chain cancels mints under ${formatCoin(minMint, 'uact')} (its min_mint) and refunds the AKT.`,
          {code: 'mint_too_small', hint: `Burn at least ${formatCoin(planMint(minMint, price, minMint).burnUakt, 'uakt')}.`},
        )
      }
    }
  } else {
    plan = planMint(request.uact ?? minMint, price, minMint)
  }
  checkCanBurn(plan, balances.find((c) => c.denom === 'uakt')?.amount ?? 0n)
  return plan
}

/** Whether the wallet holds the AKT a plan burns, plus the fees; refused with the figures when not. */
export function checkCanBurn(plan: MintPlan, uakt: bigint): void {
  if (canBurn(plan, uakt)) return
  throw new InsufficientFundsError(
    `Minting needs ${formatCoin(plan.burnUakt + FEE_RESERVE_UAKT, 'uakt')} (including fees) but the wallet holds ${formatCoin(uakt, 'uakt')}.`,
    {hint: 'Add AKT to the wallet (on edge dev: `edge dev fund`).', details: {needUakt: plan.burnUakt + FEE_RESERVE_UAKT, haveUakt: uakt}},
  )
}

export function canBurn(plan: MintPlan, uakt: bigint): boolean {
  return uakt >= plan.burnUakt + FEE_RESERVE_UAKT
}

/** "Burn 10.1 AKT to mint about 10 ACT?": the AKT that goes, and what it buys at the oracle's price. */
export function mintQuestion(plan: MintPlan): string {
  const gets = plan.expectedUact !== undefined ? ` to mint about ${formatCoin(plan.expectedUact, 'uact')}` : ' for ACT'
  return `Burn ${formatCoin(plan.burnUakt, 'uakt')}${gets}? Burned AKT is not returned.`
}

/** Burns AKT for ACT and waits for the epoch; yields progress once per block. */
export async function* mintAct(market: Market, request: MintRequest): AsyncGenerator<MintEvent & {ts: string}, MintResult> {
  const tx = market.tx
  if (!tx) throw new UsageError('Minting needs a key to sign with.')
  const ts = () => new Date().toISOString()
  const plan = request.plan ?? (await prepareMint(market, request))
  const [balances, bme] = await Promise.all([market.balances(tx.address), market.bmeStatus(tx.address).catch(() => undefined)])
  // The wallet may have changed while the user read the question.
  checkCanBurn(plan, balances.find((c) => c.denom === 'uakt')?.amount ?? 0n)
  const before = balances.find((c) => c.denom === 'uact')?.amount ?? 0n

  const result = await tx.mintAct(plan.burnUakt)
  yield {
    type: 'mint',
    status: 'submitted',
    burnUakt: plan.burnUakt,
    ...(plan.expectedUact ? {expectedUact: plan.expectedUact} : {}),
    txHash: result.txHash,
    message: `Burned ${formatCoin(plan.burnUakt, 'uakt')}${plan.expectedUact ? ` for about ${formatCoin(plan.expectedUact, 'uact')}` : ''}; the mint runs at the next BME epoch`,
    ts: ts(),
  }

  const epoch = bme?.epochBlocks ?? 10
  const maxBlocks = request.maxBlocks ?? epoch * 3 + 20
  let waited = 0
  for await (const block of market.watchBlocks(request.signal ?? new AbortController().signal)) {
    if (block.height <= result.height) continue
    waited = block.height - result.height
    const now = (await market.balances(tx.address)).find((c) => c.denom === 'uact')?.amount ?? 0n
    if (now > before) {
      const minted = now - before
      yield {
        type: 'mint',
        status: 'done',
        burnUakt: plan.burnUakt,
        ...(plan.expectedUact ? {expectedUact: plan.expectedUact} : {}),
        blocksWaited: waited,
        message: `Minted ${formatCoin(minted, 'uact')} after ${waited} block${waited === 1 ? '' : 's'}`,
        ts: ts(),
      }
      return {burnedUakt: plan.burnUakt, mintedUact: minted, txHash: result.txHash, submittedHeight: result.height, doneHeight: block.height, blocksWaited: waited, balanceUact: now}
    }
    yield {
      type: 'mint',
      status: 'waiting',
      burnUakt: plan.burnUakt,
      ...(plan.expectedUact ? {expectedUact: plan.expectedUact} : {}),
      blocksWaited: waited,
      message: `Waiting for the BME epoch (${waited}/${epoch}+ blocks)`,
      ts: ts(),
    }
    if (waited >= maxBlocks) break
  }
  if (request.signal?.aborted) throw new CancelledError('Cancelled while waiting for the mint; it will still execute at the next epoch.')
  throw new ChainError(`The ACT mint (tx ${result.txHash}) has not executed after ${waited} blocks.`, {
    code: 'mint_pending',
    hint: 'Mints are refused while the oracle is unhealthy or the collateral breaker has tripped; check `edge wallet balance` later.',
    details: {txHash: result.txHash},
  })
}

/** Parses `edge wallet mint AMOUNT`: "20akt" burns AKT, "10act" targets ACT. */
export function parseMintAmount(input: string, parseCoin: (s: string) => {denom: string; amount: bigint}): MintRequest {
  const coin = parseCoin(input)
  if (coin.denom === 'uakt') return {burnUakt: coin.amount}
  if (coin.denom === 'uact') return {uact: coin.amount}
  throw new UsageError(`"${input}" is neither AKT nor ACT.`, {hint: 'Write 20akt (to burn) or 10act (to receive).'})
}

