import type {Pricer} from '../bidding/decide.js'
import type {PricingConfig} from '../config/provider-config.js'
import {pricingInput, runPriceCommand, type PriceCommandOptions} from './price-command.js'
import {PriceTable} from './price-table.js'

/** The table, or the operator's pricing command when the config names one. */
export function makePricer(pricing: PricingConfig, blockTimeMs: number, run?: PriceCommandOptions['run']): {pricer: Pricer; table: PriceTable} {
  const table = new PriceTable(pricing, blockTimeMs)
  if (!pricing.command) {
    const pricer: Pricer = async (order, gpus) => {
      const q = table.quote(order.spec, gpus)
      return q.ok ? {ok: true, amount: q.perBlock.amount, denom: q.perBlock.denom, usdPerHour: q.usdPerHour} : {ok: false, reason: 'denom', message: q.message}
    }
    return {pricer, table}
  }
  const command = pricing.command
  const timeoutMs = (pricing.commandTimeoutS ?? 10) * 1000
  const pricer: Pricer = async (order, gpus) => {
    const denom = order.spec.resources[0]?.price.denom || 'uact'
    try {
      const amount = await runPriceCommand(pricingInput(order.spec, gpus), {command, timeoutMs, owner: order.id.owner, denom, blockTimeMs, run})
      return {ok: true, amount, denom}
    } catch (error) {
      return {ok: false, reason: 'pricing_error', message: (error as Error).message}
    }
  }
  return {pricer, table}
}
