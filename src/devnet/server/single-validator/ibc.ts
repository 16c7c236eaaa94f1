import type {DevApp} from '../../app.js'
import {type FixedRoute, EMPTY_PAGE} from './routes.js'

/**
 * ibc-go (v10) with no client, connection or channel: edge dev relays nothing, like a fresh
 * localnet. Params are ibc-go's defaults.
 */
export function ibcRoutes(app: DevApp): FixedRoute[] {
  const height = () => ({revisionNumber: 0n, revisionHeight: BigInt(app.height())})
  return [
    {
      path: '/ibc.core.channel.v1.Query/Channels',
      http: '/ibc/core/channel/v1/channels',
      request: 'ibc.core.channel.v1.QueryChannelsRequest',
      response: 'ibc.core.channel.v1.QueryChannelsResponse',
      handle: () => ({channels: [], pagination: EMPTY_PAGE, height: height()}),
    },
    {
      path: '/ibc.core.connection.v1.Query/Connections',
      http: '/ibc/core/connection/v1/connections',
      request: 'ibc.core.connection.v1.QueryConnectionsRequest',
      response: 'ibc.core.connection.v1.QueryConnectionsResponse',
      handle: () => ({connections: [], pagination: EMPTY_PAGE, height: height()}),
    },
    {
      path: '/ibc.core.client.v1.Query/ClientStates',
      http: '/ibc/core/client/v1/client_states',
      request: 'ibc.core.client.v1.QueryClientStatesRequest',
      response: 'ibc.core.client.v1.QueryClientStatesResponse',
      handle: () => ({clientStates: [], pagination: EMPTY_PAGE}),
    },
    {
      path: '/ibc.core.client.v1.Query/ClientParams',
      http: '/ibc/core/client/v1/params',
      request: 'ibc.core.client.v1.QueryClientParamsRequest',
      response: 'ibc.core.client.v1.QueryClientParamsResponse',
      handle: () => ({params: {allowedClients: ['*']}}),
    },
    {
      path: '/ibc.applications.transfer.v1.Query/Denoms',
      http: '/ibc/apps/transfer/v1/denoms',
      request: 'ibc.applications.transfer.v1.QueryDenomsRequest',
      response: 'ibc.applications.transfer.v1.QueryDenomsResponse',
      handle: () => ({denoms: [], pagination: EMPTY_PAGE}),
    },
    {
      path: '/ibc.applications.transfer.v1.Query/Params',
      http: '/ibc/apps/transfer/v1/params',
      request: 'ibc.applications.transfer.v1.QueryParamsRequest',
      response: 'ibc.applications.transfer.v1.QueryParamsResponse',
      handle: () => ({params: {sendEnabled: true, receiveEnabled: true}}),
    },
  ]
}
