import {moduleAddress} from '../../core/address.js'
import {GrpcCode, QueryError} from '../../core/query-error.js'
import {formatDuration} from '../../core/proto-json.js'
import {type FixedRoute, EMPTY_PAGE, dec, decBytes, decFromBytes, requireBech32} from './routes.js'

/** x/gov v1's genesis defaults with Akash's bond denom. */
const GOV = {
  minDeposit: [{denom: 'uakt', amount: '10000000'}],
  maxDepositPeriod: {seconds: 172_800n, nanos: 0},
  votingPeriod: {seconds: 172_800n, nanos: 0},
  quorum: dec('0.334'),
  threshold: dec('0.5'),
  vetoThreshold: dec('0.334'),
  minInitialDepositRatio: dec('0'),
  proposalCancelRatio: dec('0.5'),
  proposalCancelDest: '',
  expeditedVotingPeriod: {seconds: 86_400n, nanos: 0},
  expeditedThreshold: dec('0.667'),
  expeditedMinDeposit: [{denom: 'uakt', amount: '50000000'}],
  burnVoteQuorum: false,
  burnProposalDepositPrevote: false,
  burnVoteVeto: true,
  minDepositRatio: dec('0.01'),
}
const PARAM_TYPES = ['voting', 'deposit', 'tallying']

function proposalId(raw: bigint | undefined): bigint {
  const id = BigInt(raw ?? 0n)
  if (id === 0n) throw new QueryError(GrpcCode.invalidArgument, 'proposal id can not be 0')
  return id
}

const noProposal = (id: bigint) => new QueryError(GrpcCode.notFound, `proposal ${id} doesn't exist`)

/**
 * x/gov (v1 and v1beta1) on a chain where nobody has proposed anything yet, x/upgrade with no
 * plan, and x/consensus with CometBFT's default params (what edge dev's RPC reports too).
 */
export function govRoutes(): FixedRoute[] {
  const routes: FixedRoute[] = []
  for (const version of ['v1', 'v1beta1'] as const) {
    const S = `cosmos.gov.${version}`
    const route = (name: string, http: string, handle: FixedRoute['handle'], json?: FixedRoute['json']): FixedRoute => ({
      path: `/${S}.Query/${name}`,
      http: `/cosmos/gov/${version}${http}`,
      request: `${S}.Query${name}Request`,
      response: `${S}.Query${name}Response`,
      handle,
      json,
    })
    routes.push(
      route('Proposals', '/proposals', () => ({proposals: [], pagination: EMPTY_PAGE})),
      route('Proposal', '/proposals/{proposal_id}', (req) => {
        throw noProposal(proposalId(req.proposalId))
      }),
      route('Votes', '/proposals/{proposal_id}/votes', (req) => {
        proposalId(req.proposalId)
        return {votes: [], pagination: EMPTY_PAGE}
      }),
      route('Vote', '/proposals/{proposal_id}/votes/{voter}', (req) => {
        const id = proposalId(req.proposalId)
        requireBech32(req.voter, 'akash', 'voter')
        throw new QueryError(GrpcCode.invalidArgument, `voter: ${req.voter} not found for proposal: ${id}`)
      }),
      route('Deposits', '/proposals/{proposal_id}/deposits', (req) => {
        proposalId(req.proposalId)
        return {deposits: [], pagination: EMPTY_PAGE}
      }),
      route('Deposit', '/proposals/{proposal_id}/deposits/{depositor}', (req) => {
        const id = proposalId(req.proposalId)
        requireBech32(req.depositor, 'akash', 'depositor')
        throw new QueryError(GrpcCode.invalidArgument, `depositer: ${req.depositor} not found for proposal: ${id}`)
      }),
      route('TallyResult', '/proposals/{proposal_id}/tally', (req) => {
        throw noProposal(proposalId(req.proposalId))
      }),
    )
  }
  routes.push(
    {
      path: '/cosmos.gov.v1.Query/Params',
      http: '/cosmos/gov/v1/params/{params_type}',
      request: 'cosmos.gov.v1.QueryParamsRequest',
      response: 'cosmos.gov.v1.QueryParamsResponse',
      handle(req) {
        const type = req.paramsType as string
        if (type && !PARAM_TYPES.includes(type)) throw new QueryError(GrpcCode.invalidArgument, `unknown params type: ${type}`)
        return {
          votingParams: type === 'voting' ? {votingPeriod: GOV.votingPeriod} : undefined,
          depositParams: type === 'deposit' ? {minDeposit: GOV.minDeposit, maxDepositPeriod: GOV.maxDepositPeriod} : undefined,
          tallyParams: type === 'tallying' ? {quorum: GOV.quorum, threshold: GOV.threshold, vetoThreshold: GOV.vetoThreshold} : undefined,
          params: GOV,
        }
      },
    },
    {
      path: '/cosmos.gov.v1beta1.Query/Params',
      http: '/cosmos/gov/v1beta1/params/{params_type}',
      request: 'cosmos.gov.v1beta1.QueryParamsRequest',
      response: 'cosmos.gov.v1beta1.QueryParamsResponse',
      handle(req) {
        const type = req.paramsType as string
        if (!PARAM_TYPES.includes(type)) throw new QueryError(GrpcCode.invalidArgument, `${type} is not a valid parameter type`)
        // All three sets are there (non-nullable); only the one asked for is filled.
        const zero = {seconds: 0n, nanos: 0}
        return {
          votingParams: {votingPeriod: type === 'voting' ? GOV.votingPeriod : zero},
          depositParams: type === 'deposit' ? {minDeposit: GOV.minDeposit, maxDepositPeriod: GOV.maxDepositPeriod} : {minDeposit: [], maxDepositPeriod: zero},
          tallyParams:
            type === 'tallying'
              ? {quorum: decBytes(GOV.quorum), threshold: decBytes(GOV.threshold), vetoThreshold: decBytes(GOV.vetoThreshold)}
              : {quorum: new Uint8Array(), threshold: new Uint8Array(), vetoThreshold: new Uint8Array()},
        }
      },
      // v1beta1's tally values are LegacyDecs in `bytes` fields, which the gateway prints as decimals.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the decoded v1beta1 params response, read field by field
      json(response: any) {
        const tally = response.tallyParams
        return {
          voting_params: {voting_period: formatDuration(response.votingParams.votingPeriod)},
          deposit_params: {
            min_deposit: response.depositParams.minDeposit.map((c: {denom: string; amount: string}) => ({denom: c.denom, amount: c.amount})),
            max_deposit_period: formatDuration(response.depositParams.maxDepositPeriod),
          },
          tally_params: {quorum: decFromBytes(tally.quorum), threshold: decFromBytes(tally.threshold), veto_threshold: decFromBytes(tally.vetoThreshold)},
        }
      },
    },
    {
      path: '/cosmos.gov.v1.Query/Constitution',
      http: '/cosmos/gov/v1/constitution',
      request: 'cosmos.gov.v1.QueryConstitutionRequest',
      response: 'cosmos.gov.v1.QueryConstitutionResponse',
      handle: () => ({constitution: ''}),
    },
    {
      path: '/cosmos.upgrade.v1beta1.Query/CurrentPlan',
      http: '/cosmos/upgrade/v1beta1/current_plan',
      request: 'cosmos.upgrade.v1beta1.QueryCurrentPlanRequest',
      response: 'cosmos.upgrade.v1beta1.QueryCurrentPlanResponse',
      handle: () => ({plan: undefined}),
    },
    {
      path: '/cosmos.upgrade.v1beta1.Query/AppliedPlan',
      http: '/cosmos/upgrade/v1beta1/applied_plan/{name}',
      request: 'cosmos.upgrade.v1beta1.QueryAppliedPlanRequest',
      response: 'cosmos.upgrade.v1beta1.QueryAppliedPlanResponse',
      handle: () => ({height: 0n}),
    },
    {
      path: '/cosmos.upgrade.v1beta1.Query/Authority',
      http: '/cosmos/upgrade/v1beta1/authority',
      request: 'cosmos.upgrade.v1beta1.QueryAuthorityRequest',
      response: 'cosmos.upgrade.v1beta1.QueryAuthorityResponse',
      handle: () => ({address: moduleAddress('gov')}),
    },
    {
      path: '/cosmos.consensus.v1.Query/Params',
      http: '/cosmos/consensus/v1/params',
      request: 'cosmos.consensus.v1.QueryParamsRequest',
      response: 'cosmos.consensus.v1.QueryParamsResponse',
      handle: () => ({
        params: {
          block: {maxBytes: 22_020_096n, maxGas: -1n},
          evidence: {maxAgeNumBlocks: 100_000n, maxAgeDuration: {seconds: 172_800n, nanos: 0}, maxBytes: 1_048_576n},
          validator: {pubKeyTypes: ['ed25519']},
          version: {app: 0n},
          abci: {voteExtensionsEnableHeight: 0n},
        },
      }),
    },
  )
  return routes
}
