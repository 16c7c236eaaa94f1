/** x/cert errors (pkg.akt.dev/go/node/cert/v1/errors.go). */
import {Grpc, register} from '../common/errors.js'

const cs = 'cert'

export const CertErr = {
  certificateNotFound: register(cs, 1, Grpc.notFound, 'certificate not found'),
  invalidAddress: register(cs, 2, Grpc.invalidArgument, 'invalid address'),
  certificateExists: register(cs, 3, Grpc.alreadyExists, 'certificate exists'),
  certificateAlreadyRevoked: register(cs, 4, Grpc.failedPrecondition, 'certificate already revoked'),
  invalidSerialNumber: register(cs, 5, Grpc.invalidArgument, 'invalid serial number'),
  invalidCertificateValue: register(cs, 6, Grpc.invalidArgument, 'invalid certificate value'),
  invalidPubkeyValue: register(cs, 7, Grpc.invalidArgument, 'invalid pubkey value'),
  invalidState: register(cs, 8, Grpc.invalidArgument, 'invalid state'),
  invalidKeySize: register(cs, 9, Grpc.invalidArgument, 'invalid key size'),
} as const
