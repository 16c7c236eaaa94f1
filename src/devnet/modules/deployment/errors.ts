/** x/deployment errors (pkg.akt.dev/go/node/deployment/v1/errors.go). */
import {Grpc, register} from '../common/errors.js'

const cs = 'deployment'

export const DeploymentErr = {
  nameDoesNotExist: register(cs, 1, Grpc.notFound, 'Name does not exist'),
  invalidRequest: register(cs, 2, Grpc.invalidArgument, 'Invalid request'),
  deploymentExists: register(cs, 3, Grpc.alreadyExists, 'Deployment exists'),
  deploymentNotFound: register(cs, 4, Grpc.notFound, 'Deployment not found'),
  deploymentClosed: register(cs, 5, Grpc.failedPrecondition, 'Deployment closed'),
  ownerAcctMissing: register(cs, 6, Grpc.invalidArgument, 'Owner account missing'),
  invalidGroups: register(cs, 7, Grpc.invalidArgument, 'Invalid groups'),
  invalidDeploymentID: register(cs, 8, Grpc.invalidArgument, 'Invalid: deployment id'),
  emptyHash: register(cs, 9, Grpc.invalidArgument, 'Invalid: empty hash'),
  invalidHash: register(cs, 10, Grpc.invalidArgument, 'Invalid: deployment hash'),
  internal: register(cs, 11, Grpc.internal, 'internal error'),
  invalidDeployment: register(cs, 12, Grpc.invalidArgument, 'Invalid deployment'),
  invalidGroupID: register(cs, 13, Grpc.invalidArgument, "Invalid deployment's group ID"),
  groupNotFound: register(cs, 14, Grpc.notFound, 'Group not found'),
  groupClosed: register(cs, 15, Grpc.failedPrecondition, 'Group already closed'),
  groupOpen: register(cs, 16, Grpc.failedPrecondition, 'Group open'),
  groupPaused: register(cs, 17, Grpc.failedPrecondition, 'Group paused'),
  groupNotOpen: register(cs, 18, Grpc.failedPrecondition, 'Group not open'),
  groupSpecInvalid: register(cs, 19, Grpc.invalidArgument, 'GroupSpec invalid'),
  invalidDeposit: register(cs, 20, Grpc.invalidArgument, 'Deposit invalid'),
  invalidIDPath: register(cs, 21, Grpc.invalidArgument, 'ID path invalid'),
  invalidParam: register(cs, 22, Grpc.invalidArgument, 'parameter invalid'),
  invalidEscrowID: register(cs, 23, Grpc.invalidArgument, 'invalid escrow id'),
  invalidPrice: register(cs, 24, Grpc.invalidArgument, 'invalid price'),
  duplicateGroupName: register(cs, 25, Grpc.invalidArgument, 'duplicate group name'),
  invalidReclamation: register(cs, 26, Grpc.invalidArgument, 'invalid reclamation configuration'),
} as const
