/**
 * The Cosmos modules a v2.1 node serves and edge dev does not run (staking, distribution, mint,
 * slashing, gov, upgrade, consensus, feegrant, authz, ibc, wasm), answered as a chain of one
 * validator that self-delegated, with no proposal, grant, IBC channel or contract would answer them:
 * what wallets and dashboards ask for. Registered like the tx and tendermint services, over gRPC,
 * abci_query and REST (wasm: REST only). DIFFERENCES.md says where this cannot be the node's truth.
 */
import type {DevApp} from '../../app.js'
import type {CometRenderer} from '../comet-json.js'
import {distributionRoutes} from './distribution.js'
import {govRoutes} from './gov.js'
import {grantRoutes} from './grants.js'
import {ibcRoutes} from './ibc.js'
import {mintSlashingRoutes} from './mint-slashing.js'
import {addRoutes} from './routes.js'
import {stakingRoutes} from './staking.js'
import {devValidator} from './validator.js'
import {type RestJsonRoute, wasmRestRoutes} from './wasm.js'

export {type RestJsonRoute, matchRestJsonRoute} from './wasm.js'

/** Adds the queries to the app's router; returns the REST-only routes for the gateway. */
export function registerSingleValidatorServices(app: DevApp, renderer: CometRenderer): RestJsonRoute[] {
  const validator = devValidator(renderer)
  addRoutes(app.queries, [
    ...stakingRoutes(validator, () => app.genesisTime()),
    ...distributionRoutes(validator),
    ...mintSlashingRoutes(app, validator),
    ...govRoutes(),
    ...grantRoutes(),
    ...ibcRoutes(app),
  ])
  return wasmRestRoutes()
}
