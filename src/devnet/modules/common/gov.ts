/**
 * Governance-only messages (`MsgUpdateParams`, `MsgFundVault`): node checks the message's
 * authority against the x/gov module account. edge dev has no governance, so nobody can sign for
 * that account and such messages only ever fail, with the code the node gives.
 */
import type {Context} from '../../types.js'
import {Grpc, register} from './errors.js'

export const GovErr = {
  invalidSigner: register('gov', 13, Grpc.unknown, 'expected gov account as only signer for proposal message'),
} as const

/** The address MsgUpdateParams and friends must name as their authority (x/gov's module account). */
export function govAuthority(ctx: Context): string {
  return ctx.bank.moduleAddress('gov')
}

/** `if k.GetAuthority() != msg.Authority { return govtypes.ErrInvalidSigner.Wrapf(...) }`. */
export function requireGovAuthority(ctx: Context, authority: string): void {
  const expected = govAuthority(ctx)
  if (authority !== expected) throw GovErr.invalidSigner.wrap(`invalid authority; expected ${expected}, got ${authority}`)
}
