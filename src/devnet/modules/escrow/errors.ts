/** x/escrow errors (pkg.akt.dev/go/node/escrow/module/error.go) and the shared deposit errors. */
import {Grpc, register} from '../common/errors.js'

const cs = 'escrow'

export const EscrowErr = {
  accountExists: register(cs, 1, Grpc.alreadyExists, 'account exists'),
  accountClosed: register(cs, 2, Grpc.failedPrecondition, 'account closed'),
  accountNotFound: register(cs, 3, Grpc.notFound, 'account not found'),
  accountOverdrawn: register(cs, 4, Grpc.failedPrecondition, 'account overdrawn'),
  invalidDenomination: register(cs, 5, Grpc.invalidArgument, 'invalid denomination'),
  paymentExists: register(cs, 6, Grpc.alreadyExists, 'payment exists'),
  paymentClosed: register(cs, 7, Grpc.failedPrecondition, 'payment closed'),
  paymentNotFound: register(cs, 8, Grpc.notFound, 'payment not found'),
  paymentRateZero: register(cs, 9, Grpc.invalidArgument, 'payment rate zero'),
  invalidPayment: register(cs, 10, Grpc.invalidArgument, 'invalid payment'),
  invalidSettlement: register(cs, 11, Grpc.invalidArgument, 'invalid settlement'),
  invalidID: register(cs, 12, Grpc.invalidArgument, 'invalid ID'),
  invalidAccount: register(cs, 13, Grpc.invalidArgument, 'invalid account'),
  invalidAccountDepositor: register(cs, 14, Grpc.invalidArgument, 'invalid account depositor'),
  unauthorizedDepositScope: register(cs, 15, Grpc.permissionDenied, 'unauthorized deposit scope'),
  invalidDeposit: register(cs, 16, Grpc.invalidArgument, 'invalid deposit'),
  invalidAuthzScope: register(cs, 17, Grpc.invalidArgument, 'invalid authz scope'),
  malformedKey: register(cs, 18, Grpc.invalidArgument, 'malformed key'),
} as const

/** pkg.akt.dev/go/node/types/attributes/v1 and types/deposit/v1 share the `akash` codespace. */
export const AkashErr = {
  attributesDuplicateKeys: register('akash', 1, Grpc.invalidArgument, 'attributes cannot have duplicate keys'),
  invalidAttributeKey: register('akash', 2, Grpc.invalidArgument, 'attribute key does not match regexp'),
  invalidDepositor: register('akash', 3, Grpc.invalidArgument, 'invalid depositor'),
  invalidDepositSource: register('akash', 4, Grpc.invalidArgument, 'invalid deposit source'),
} as const
