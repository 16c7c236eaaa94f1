import {GrpcCode, QueryError} from '../../core/query-error.js'
import {type FixedRoute, EMPTY_PAGE, ONE_PAGE, requireBech32} from './routes.js'
import type {DevValidator} from './validator.js'

const S = 'cosmos.staking.v1beta1'
const Q = `/${S}.Query`
const H = '/cosmos/staking/v1beta1'

/** x/staking's genesis defaults with Akash's bond denom (what `akash genesis init` writes). */
const PARAMS = {
  unbondingTime: {seconds: 21n * 24n * 3600n, nanos: 0},
  maxValidators: 100,
  maxEntries: 7,
  historicalEntries: 10_000,
  bondDenom: 'uakt',
  minCommissionRate: '0',
}

const BONDED = 3
const STATUS: Record<string, number> = {BOND_STATUS_UNSPECIFIED: 0, BOND_STATUS_UNBONDED: 1, BOND_STATUS_UNBONDING: 2, BOND_STATUS_BONDED: BONDED}

/**
 * x/staking's queries for a chain of one bonded validator that self-delegated its stake: what
 * wallets (delegations of an address) and explorers (the validator set, the pool) ask for. Every
 * other account has no delegation, unbonding or redelegation.
 */
export function stakingRoutes(v: DevValidator, genesisTime: () => Date): FixedRoute[] {
  const validator = () => ({
    operatorAddress: v.operator,
    consensusPubkey: v.consensusPubKey,
    jailed: false,
    status: BONDED,
    tokens: v.tokens.toString(),
    delegatorShares: v.tokens.toString(),
    description: {moniker: 'edge-dev', identity: '', website: '', securityContact: '', details: ''},
    unbondingHeight: 0n,
    unbondingTime: new Date(0),
    commission: {commissionRates: {rate: '0.1', maxRate: '0.2', maxChangeRate: '0.01'}, updateTime: genesisTime()},
    minSelfDelegation: '1',
    unbondingOnHoldRefCount: 0n,
    unbondingIds: [],
  })
  const selfDelegation = () => ({
    delegation: {delegatorAddress: v.account, validatorAddress: v.operator, shares: v.tokens.toString()},
    balance: {denom: PARAMS.bondDenom, amount: v.tokens.toString()},
  })
  const requireValidator = (address: string) => {
    requireBech32(address, 'akashvaloper', 'validator')
    if (address !== v.operator) throw new QueryError(GrpcCode.notFound, `validator ${address} not found`)
  }
  const delegator = (address: string) => requireBech32(address, 'akash', 'delegator')
  const route = (name: string, http: string, handle: FixedRoute['handle']): FixedRoute => ({
    path: `${Q}/${name}`,
    http: `${H}${http}`,
    request: `${S}.Query${name}Request`,
    response: `${S}.Query${name}Response`,
    handle,
  })

  return [
    route('Validators', '/validators', (req) => {
      if (req.status && STATUS[req.status] === undefined) throw new QueryError(GrpcCode.invalidArgument, `invalid validator status ${req.status}`)
      const listed = !req.status || STATUS[req.status] === BONDED
      return {validators: listed ? [validator()] : [], pagination: listed ? ONE_PAGE : EMPTY_PAGE}
    }),
    route('Validator', '/validators/{validator_addr}', (req) => {
      requireValidator(req.validatorAddr)
      return {validator: validator()}
    }),
    route('ValidatorDelegations', '/validators/{validator_addr}/delegations', (req) => {
      requireValidator(req.validatorAddr)
      return {delegationResponses: [selfDelegation()], pagination: ONE_PAGE}
    }),
    route('ValidatorUnbondingDelegations', '/validators/{validator_addr}/unbonding_delegations', (req) => {
      requireValidator(req.validatorAddr)
      return {unbondingResponses: [], pagination: EMPTY_PAGE}
    }),
    route('Delegation', '/validators/{validator_addr}/delegations/{delegator_addr}', (req) => {
      delegator(req.delegatorAddr)
      requireBech32(req.validatorAddr, 'akashvaloper', 'validator')
      if (req.delegatorAddr !== v.account || req.validatorAddr !== v.operator)
        throw new QueryError(GrpcCode.notFound, `delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`)
      return {delegationResponse: selfDelegation()}
    }),
    route('UnbondingDelegation', '/validators/{validator_addr}/delegations/{delegator_addr}/unbonding_delegation', (req) => {
      delegator(req.delegatorAddr)
      requireBech32(req.validatorAddr, 'akashvaloper', 'validator')
      throw new QueryError(GrpcCode.notFound, `unbonding delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`)
    }),
    route('DelegatorDelegations', '/delegations/{delegator_addr}', (req) => {
      delegator(req.delegatorAddr)
      const own = req.delegatorAddr === v.account
      return {delegationResponses: own ? [selfDelegation()] : [], pagination: own ? ONE_PAGE : EMPTY_PAGE}
    }),
    route('DelegatorUnbondingDelegations', '/delegators/{delegator_addr}/unbonding_delegations', (req) => {
      delegator(req.delegatorAddr)
      return {unbondingResponses: [], pagination: EMPTY_PAGE}
    }),
    route('Redelegations', '/delegators/{delegator_addr}/redelegations', (req) => {
      delegator(req.delegatorAddr)
      return {redelegationResponses: [], pagination: EMPTY_PAGE}
    }),
    route('DelegatorValidators', '/delegators/{delegator_addr}/validators', (req) => {
      delegator(req.delegatorAddr)
      const own = req.delegatorAddr === v.account
      return {validators: own ? [validator()] : [], pagination: own ? ONE_PAGE : EMPTY_PAGE}
    }),
    route('DelegatorValidator', '/delegators/{delegator_addr}/validators/{validator_addr}', (req) => {
      delegator(req.delegatorAddr)
      requireBech32(req.validatorAddr, 'akashvaloper', 'validator')
      if (req.delegatorAddr !== v.account || req.validatorAddr !== v.operator)
        throw new QueryError(GrpcCode.notFound, `delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`)
      return {validator: validator()}
    }),
    route('Pool', '/pool', () => ({pool: {notBondedTokens: '0', bondedTokens: v.tokens.toString()}})),
    {path: `${Q}/Params`, http: `${H}/params`, request: `${S}.QueryParamsRequest`, response: `${S}.QueryParamsResponse`, handle: () => ({params: PARAMS})},
  ]
}
