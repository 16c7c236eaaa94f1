import {decMulInt, formatDec, parseDec} from '../../modules/common/dec.js'
import type {DevApp} from '../../app.js'
import {GrpcCode, QueryError} from '../../core/query-error.js'
import {type FixedRoute, ONE_PAGE, dec, decBytes, requireBech32} from './routes.js'
import type {DevValidator} from './validator.js'

/** x/mint's genesis minter and params (SDK defaults, bond denom uakt). */
const INFLATION = '0.13'
const MINT_PARAMS = {mintDenom: 'uakt', inflationRateChange: '0.13', inflationMax: '0.2', inflationMin: '0.07', goalBonded: '0.67', blocksPerYear: 6_311_520n}

/** x/slashing's genesis defaults. */
const SLASHING = {signedBlocksWindow: 100n, minSignedPerWindow: '0.5', downtimeJailDuration: {seconds: 600n, nanos: 0}, slashFractionDoubleSign: '0.05', slashFractionDowntime: '0.01'}

/**
 * x/mint and x/slashing. edge dev mints no inflation: the minter stays at its genesis inflation,
 * and the annual provisions are what that inflation would give on today's AKT supply. The one
 * validator signs every block, so its signing info never records a miss.
 *
 * Both modules keep LegacyDecs in `bytes` fields (gogoproto customtype), which the gateway prints
 * as decimals; their REST JSON is written here rather than by proto-JSON.
 */
export function mintSlashingRoutes(app: DevApp, v: DevValidator): FixedRoute[] {
  const annualProvisions = () => {
    const supply = app.queryContext().bank.supply('uakt')
    return formatDec(decMulInt(parseDec(INFLATION), supply))
  }
  const signingInfo = () => ({
    address: v.consensusAddress,
    startHeight: 0n,
    indexOffset: BigInt(app.height()),
    jailedUntil: new Date(0),
    tombstoned: false,
    missedBlocksCounter: 0n,
  })
  const signingInfoJson = () => ({
    address: v.consensusAddress,
    start_height: '0',
    index_offset: String(app.height()),
    jailed_until: '1970-01-01T00:00:00Z',
    tombstoned: false,
    missed_blocks_counter: '0',
  })
  return [
    {
      path: '/cosmos.mint.v1beta1.Query/Params',
      http: '/cosmos/mint/v1beta1/params',
      request: 'cosmos.mint.v1beta1.QueryParamsRequest',
      response: 'cosmos.mint.v1beta1.QueryParamsResponse',
      handle: () => ({params: MINT_PARAMS}),
    },
    {
      path: '/cosmos.mint.v1beta1.Query/Inflation',
      http: '/cosmos/mint/v1beta1/inflation',
      request: 'cosmos.mint.v1beta1.QueryInflationRequest',
      response: 'cosmos.mint.v1beta1.QueryInflationResponse',
      handle: () => ({inflation: decBytes(INFLATION)}),
      json: () => ({inflation: dec(INFLATION)}),
    },
    {
      path: '/cosmos.mint.v1beta1.Query/AnnualProvisions',
      http: '/cosmos/mint/v1beta1/annual_provisions',
      request: 'cosmos.mint.v1beta1.QueryAnnualProvisionsRequest',
      response: 'cosmos.mint.v1beta1.QueryAnnualProvisionsResponse',
      handle: () => ({annualProvisions: decBytes(annualProvisions())}),
      json: () => ({annual_provisions: dec(annualProvisions())}),
    },
    {
      path: '/cosmos.slashing.v1beta1.Query/Params',
      http: '/cosmos/slashing/v1beta1/params',
      request: 'cosmos.slashing.v1beta1.QueryParamsRequest',
      response: 'cosmos.slashing.v1beta1.QueryParamsResponse',
      handle: () => ({
        params: {
          ...SLASHING,
          minSignedPerWindow: decBytes(SLASHING.minSignedPerWindow),
          slashFractionDoubleSign: decBytes(SLASHING.slashFractionDoubleSign),
          slashFractionDowntime: decBytes(SLASHING.slashFractionDowntime),
        },
      }),
      json: () => ({
        params: {
          signed_blocks_window: String(SLASHING.signedBlocksWindow),
          min_signed_per_window: dec(SLASHING.minSignedPerWindow),
          downtime_jail_duration: '600s',
          slash_fraction_double_sign: dec(SLASHING.slashFractionDoubleSign),
          slash_fraction_downtime: dec(SLASHING.slashFractionDowntime),
        },
      }),
    },
    {
      path: '/cosmos.slashing.v1beta1.Query/SigningInfos',
      http: '/cosmos/slashing/v1beta1/signing_infos',
      request: 'cosmos.slashing.v1beta1.QuerySigningInfosRequest',
      response: 'cosmos.slashing.v1beta1.QuerySigningInfosResponse',
      handle: () => ({info: [signingInfo()], pagination: ONE_PAGE}),
    },
    {
      path: '/cosmos.slashing.v1beta1.Query/SigningInfo',
      http: '/cosmos/slashing/v1beta1/signing_infos/{cons_address}',
      request: 'cosmos.slashing.v1beta1.QuerySigningInfoRequest',
      response: 'cosmos.slashing.v1beta1.QuerySigningInfoResponse',
      handle(req) {
        requireBech32(req.consAddress, 'akashvalcons', 'consensus')
        if (req.consAddress !== v.consensusAddress) throw new QueryError(GrpcCode.notFound, `SigningInfo not found for validator ${req.consAddress}`)
        return {valSigningInfo: signingInfo()}
      },
      json: () => ({val_signing_info: signingInfoJson()}),
    },
  ]
}

