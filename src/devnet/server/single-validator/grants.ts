import {GrpcCode, QueryError} from '../../core/query-error.js'
import {TxError} from '../../types.js'
import {type FixedRoute, EMPTY_PAGE, requireBech32} from './routes.js'

/**
 * x/feegrant and x/authz with no grant in them: edge dev accepts neither a fee granter nor an
 * authz message (see DIFFERENCES.md), so nobody can have granted anything.
 */
export function grantRoutes(): FixedRoute[] {
  const account = (address: string, what: string) => requireBech32(address, 'akash', what)
  return [
    {
      path: '/cosmos.feegrant.v1beta1.Query/Allowance',
      http: '/cosmos/feegrant/v1beta1/allowance/{granter}/{grantee}',
      request: 'cosmos.feegrant.v1beta1.QueryAllowanceRequest',
      response: 'cosmos.feegrant.v1beta1.QueryAllowanceResponse',
      handle(req) {
        account(req.granter, 'granter')
        account(req.grantee, 'grantee')
        throw new QueryError(GrpcCode.notFound, 'fee-grant not found: not found')
      },
    },
    {
      path: '/cosmos.feegrant.v1beta1.Query/Allowances',
      http: '/cosmos/feegrant/v1beta1/allowances/{grantee}',
      request: 'cosmos.feegrant.v1beta1.QueryAllowancesRequest',
      response: 'cosmos.feegrant.v1beta1.QueryAllowancesResponse',
      handle(req) {
        account(req.grantee, 'grantee')
        return {allowances: [], pagination: EMPTY_PAGE}
      },
    },
    {
      path: '/cosmos.feegrant.v1beta1.Query/AllowancesByGranter',
      http: '/cosmos/feegrant/v1beta1/issued/{granter}',
      request: 'cosmos.feegrant.v1beta1.QueryAllowancesByGranterRequest',
      response: 'cosmos.feegrant.v1beta1.QueryAllowancesByGranterResponse',
      handle(req) {
        account(req.granter, 'granter')
        return {allowances: [], pagination: EMPTY_PAGE}
      },
    },
    {
      path: '/cosmos.authz.v1beta1.Query/Grants',
      http: '/cosmos/authz/v1beta1/grants',
      request: 'cosmos.authz.v1beta1.QueryGrantsRequest',
      response: 'cosmos.authz.v1beta1.QueryGrantsResponse',
      handle(req) {
        account(req.granter, 'granter')
        account(req.grantee, 'grantee')
        if (req.msgTypeUrl) throw new TxError('authz', 2, `authorization not found for ${req.msgTypeUrl} type: authorization not found`)
        return {grants: [], pagination: EMPTY_PAGE}
      },
    },
    {
      path: '/cosmos.authz.v1beta1.Query/GranterGrants',
      http: '/cosmos/authz/v1beta1/grants/granter/{granter}',
      request: 'cosmos.authz.v1beta1.QueryGranterGrantsRequest',
      response: 'cosmos.authz.v1beta1.QueryGranterGrantsResponse',
      handle(req) {
        account(req.granter, 'granter')
        return {grants: [], pagination: EMPTY_PAGE}
      },
    },
    {
      path: '/cosmos.authz.v1beta1.Query/GranteeGrants',
      http: '/cosmos/authz/v1beta1/grants/grantee/{grantee}',
      request: 'cosmos.authz.v1beta1.QueryGranteeGrantsRequest',
      response: 'cosmos.authz.v1beta1.QueryGranteeGrantsResponse',
      handle(req) {
        account(req.grantee, 'grantee')
        return {grants: [], pagination: EMPTY_PAGE}
      },
    },
  ]
}
