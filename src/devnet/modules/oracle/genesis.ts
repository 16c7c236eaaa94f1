/** Edits of a dev genesis's oracle section. */
import type {DevGenesis} from '../../genesis.js'
import {defaultOracleGenesis, type OracleGenesis} from './index.js'

/**
 * Makes `source` the oracle's only price source, and the author of the genesis AKT price (kept at
 * the genesis's price, if it has one). One source: a second that disagreed by more than
 * `max_price_deviation_bps` would make the price unhealthy.
 */
export function withOracleSource(genesis: DevGenesis, source: string): DevGenesis {
  const current = genesis.appState.oracle as OracleGenesis | undefined
  const price = current ? (current.prices[0]?.price ?? null) : '1'
  const oracle = defaultOracleGenesis({oracleSources: [source], aktPriceUsd: price})
  if (current) oracle.params = {...current.params, sources: [source]}
  return {...genesis, appState: {...genesis.appState, oracle}}
}
