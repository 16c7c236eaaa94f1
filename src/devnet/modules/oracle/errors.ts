/** akash.oracle.v2 errors (chain-sdk go/node/oracle/v2/errors.go): codespace `oracle.v2`. */
import {Grpc, ModuleError, register} from '../common/errors.js'

const cs = 'oracle.v2'

export const OracleErr = {
  priceEntryExists: register(cs, 1, Grpc.unknown, 'price entry exists'),
  invalidTimestamp: register(cs, 2, Grpc.unknown, 'invalid timestamp'),
  unauthorizedWriterAddress: register(cs, 3, Grpc.unknown, 'unauthorized writer address'),
  priceStalled: register(cs, 4, Grpc.unknown, 'price stalled'),
  invalidFeedContractParams: register(cs, 5, Grpc.unknown, 'invalid feed contract params'),
  invalidFeedContractConfig: register(cs, 6, Grpc.unknown, 'invalid feed contract config'),
  twapZeroWeight: register(cs, 7, Grpc.unknown, 'invalid TWAP calculation: zero weight'),
} as const

/**
 * A collections `ErrNotFound` (a plain Go error): the query server passes it through as is, so gRPC
 * answers code Unknown with its text and `abci_query` answers sdk/18 (gRPCErrorToSDKError).
 */
export function collectionsNotFound(key: string, valueType: string): ModuleError {
  return new ModuleError('sdk', 18, `collections: not found: key '${key}' of type github.com/cosmos/gogoproto/${valueType}`, Grpc.unknown)
}
