import {TxError} from '../../types.js'
import {type FixedRoute, EMPTY_PAGE, requireBech32} from './routes.js'
import type {DevValidator} from './validator.js'

const D = 'cosmos.distribution.v1beta1'
const Q = `/${D}.Query`
const H = '/cosmos/distribution/v1beta1'

/**
 * x/distribution's queries. edge dev pays no staking rewards (fees stay with the fee collector and
 * no inflation is minted), so every reward, commission and pool is empty, as on a chain whose
 * validator has not earned anything yet. Params are the SDK's genesis defaults.
 */
export function distributionRoutes(v: DevValidator): FixedRoute[] {
  const requireValidator = (address: string) => {
    requireBech32(address, 'akashvaloper', 'validator')
    // x/distribution answers with its own error (codespace distribution), which the gateway maps to 500.
    if (address !== v.operator) throw new TxError('distribution', 12, `${address}: validator does not exist`)
  }
  const delegator = (address: string) => requireBech32(address, 'akash', 'delegator')
  const route = (name: string, http: string, handle: FixedRoute['handle']): FixedRoute => ({
    path: `${Q}/${name}`,
    http: `${H}${http}`,
    request: `${D}.Query${name}Request`,
    response: `${D}.Query${name}Response`,
    handle,
  })
  return [
    route('Params', '/params', () => ({
      params: {communityTax: '0.02', baseProposerReward: '0', bonusProposerReward: '0', withdrawAddrEnabled: true},
    })),
    route('ValidatorDistributionInfo', '/validators/{validator_address}', (req) => {
      requireValidator(req.validatorAddress)
      return {operatorAddress: v.account, selfBondRewards: [], commission: []}
    }),
    route('ValidatorOutstandingRewards', '/validators/{validator_address}/outstanding_rewards', (req) => {
      requireValidator(req.validatorAddress)
      return {rewards: {rewards: []}}
    }),
    route('ValidatorCommission', '/validators/{validator_address}/commission', (req) => {
      requireValidator(req.validatorAddress)
      return {commission: {commission: []}}
    }),
    route('ValidatorSlashes', '/validators/{validator_address}/slashes', (req) => {
      requireValidator(req.validatorAddress)
      return {slashes: [], pagination: EMPTY_PAGE}
    }),
    route('DelegationRewards', '/delegators/{delegator_address}/rewards/{validator_address}', (req) => {
      delegator(req.delegatorAddress)
      requireValidator(req.validatorAddress)
      if (req.delegatorAddress !== v.account) throw new TxError('distribution', 13, 'delegation does not exist')
      return {rewards: []}
    }),
    route('DelegationTotalRewards', '/delegators/{delegator_address}/rewards', (req) => {
      delegator(req.delegatorAddress)
      const own = req.delegatorAddress === v.account
      return {rewards: own ? [{validatorAddress: v.operator, reward: []}] : [], total: []}
    }),
    route('DelegatorValidators', '/delegators/{delegator_address}/validators', (req) => {
      delegator(req.delegatorAddress)
      return {validators: req.delegatorAddress === v.account ? [v.operator] : []}
    }),
    route('DelegatorWithdrawAddress', '/delegators/{delegator_address}/withdraw_address', (req) => {
      delegator(req.delegatorAddress)
      return {withdrawAddress: req.delegatorAddress}
    }),
    route('CommunityPool', '/community_pool', () => ({pool: []})),
  ]
}
