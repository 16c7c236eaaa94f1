/** The funds phase: is there enough for the deposit and the fees, and if ACT is short, mint it (when allowed). */
import {type EdgeError, InsufficientFundsError} from '../../errors.js'
import {formatCoin} from '../../protocol/money.js'
import {DEFAULT_MIN_MINT_UACT, FEE_RESERVE_UAKT, canBurn, mintAct, planMint} from '../mint.js'
import type {DeployEvent} from './events.js'
import type {PlanState} from './state.js'

/** With `readOnly` (a dry run) a shortfall is reported, never refused or minted. */
export async function* checkFunds(run: PlanState, readOnly = false): AsyncGenerator<DeployEvent, void> {
  const {ctx, clock, forecast: f, owner} = run
  yield clock.step('funds', 'started', 'Checking the wallet')
  const balances = await ctx.market.balances(owner)
  const uact = balances.find((c) => c.denom === 'uact')?.amount ?? 0n
  const uakt = balances.find((c) => c.denom === 'uakt')?.amount ?? 0n
  const have = f.deposit.denom === 'uakt' ? uakt : (balances.find((c) => c.denom === f.deposit.denom)?.amount ?? 0n)
  const needed = f.deposit.amount + (f.deposit.denom === 'uakt' ? FEE_RESERVE_UAKT : 0n)
  const shortfall = needed > have ? needed - have : 0n
  yield clock.event({type: 'funds', ok: shortfall === 0n, balance: {uact, uakt}, needed: {denom: f.deposit.denom, amount: needed}, ...(shortfall ? {shortfall} : {})})
  if (uakt < FEE_RESERVE_UAKT && f.deposit.denom !== 'uakt') {
    if (readOnly) {
      yield clock.event({type: 'warning', message: `The wallet holds ${formatCoin(uakt, 'uakt')}; transactions need a little AKT for fees.`})
    } else {
      yield clock.step('funds', 'failed', 'Not enough AKT for fees')
      throw new InsufficientFundsError(`The wallet ${owner} holds ${formatCoin(uakt, 'uakt')}, not enough AKT to pay transaction fees.`, {
        hint: ctx.network.profile.canMint ? 'Fund it with `edge dev fund`.' : 'Send some AKT to this address.',
        details: {address: owner, uakt},
      })
    }
  }
  if (shortfall === 0n) {
    yield clock.step('funds', 'succeeded', `${formatCoin(have, f.deposit.denom)} available, ${formatCoin(f.deposit.amount, f.deposit.denom)} needed`)
    yield clock.step('mint', 'skipped', 'No ACT needed')
    return
  }
  if (readOnly) {
    yield clock.step('funds', 'failed', `${formatCoin(shortfall, f.deposit.denom)} short (dry run)`)
    return
  }
  if (f.deposit.denom !== 'uact') {
    yield clock.step('funds', 'failed', 'Insufficient funds')
    throw new InsufficientFundsError(`The deposit needs ${formatCoin(needed, f.deposit.denom)} but the wallet holds ${formatCoin(have, f.deposit.denom)}.`, {
      details: {address: owner, needed, have},
    })
  }
  yield* mintShortfall(run, {uact, uakt, shortfall})
}

/** Short of ACT: mint it from AKT when the user allows it, never less than the chain's min_mint. */
async function* mintShortfall(run: PlanState, {uact, uakt, shortfall}: {uact: bigint; uakt: bigint; shortfall: bigint}): AsyncGenerator<DeployEvent, void> {
  const {ctx, clock, forecast: f, owner} = run
  const minMint = (await ctx.market.bmeStatus().catch(() => undefined))?.minMintUact ?? DEFAULT_MIN_MINT_UACT
  let plan
  try {
    plan = planMint(shortfall, run.pricing.price, minMint)
  } catch (error) {
    yield clock.step('funds', 'failed', 'Not enough ACT')
    throw new InsufficientFundsError(`The deposit needs ${formatCoin(f.deposit.amount, 'uact')} but the wallet holds ${formatCoin(uact, 'uact')}.`, {
      hint: `${(error as EdgeError).hint ?? ''} Then run edge deploy again.`.trim(),
      details: {address: owner, shortfallUact: shortfall},
    })
  }
  // A mint the wallet's AKT cannot pay for is neither asked about nor suggested (ux-test D33).
  if (!canBurn(plan, uakt)) {
    yield clock.step('funds', 'failed', 'Not enough ACT')
    throw new InsufficientFundsError(
      `The deposit needs ${formatCoin(f.deposit.amount, 'uact')} but the wallet holds ${formatCoin(uact, 'uact')} (${formatCoin(shortfall, 'uact')} short), and minting that would burn about ${formatCoin(plan.burnUakt, 'uakt')} plus fees while it holds ${formatCoin(uakt, 'uakt')}.`,
      {
        hint: ctx.network.profile.canMint ? 'Add AKT with `edge dev fund`, then run edge deploy again.' : `Send ACT, or at least ${formatCoin(plan.burnUakt + FEE_RESERVE_UAKT - uakt, 'uakt')} more AKT, to ${owner}.`,
        details: {address: owner, shortfallUact: shortfall, burnUakt: plan.burnUakt, haveUakt: uakt},
      },
    )
  }
  let allowed = run.input.mint
  if (!allowed && ctx.confirmMint) {
    allowed = await ctx.confirmMint({shortfallUact: shortfall, burnUakt: plan.burnUakt, ...(plan.expectedUact ? {expectedUact: plan.expectedUact} : {})})
  }
  if (!allowed) {
    yield clock.step('funds', 'failed', 'Not enough ACT')
    throw new InsufficientFundsError(
      `The deposit needs ${formatCoin(f.deposit.amount, 'uact')} but the wallet holds ${formatCoin(uact, 'uact')} (${formatCoin(shortfall, 'uact')} short).`,
      {
        hint: `Mint ACT from AKT: pass --mint (burns about ${formatCoin(plan.burnUakt, 'uakt')}), or run \`edge wallet mint ${formatCoin(shortfall < minMint ? minMint : shortfall, 'uact').replace(' ACT', 'act')}\`.`,
        details: {address: owner, shortfallUact: shortfall, burnUakt: plan.burnUakt},
      },
    )
  }
  yield clock.step('funds', 'succeeded', `${formatCoin(shortfall, 'uact')} short: minting ACT`)
  yield clock.step('mint', 'started', `Burning ${formatCoin(plan.burnUakt, 'uakt')} for ACT`)
  const mint = mintAct(ctx.market, {uact: shortfall, signal: run.signal, aktPrice: run.pricing.price})
  for (;;) {
    const next = await mint.next()
    if (next.done) {
      yield clock.step('mint', 'succeeded', `Minted ${formatCoin(next.value.mintedUact, 'uact')} in ${next.value.blocksWaited} blocks`)
      return
    }
    yield next.value
  }
}
