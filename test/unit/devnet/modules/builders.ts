/** Message builders for the module tests (plain objects for the codecs' fromPartial). */
import {Source} from '@akashnetwork/chain-sdk/private-types/akash.v1'

const enc = (n: bigint | number | string) => ({val: BigInt(n)})

export interface UnitOptions {
  id?: number
  cpuMillis?: number
  memory?: bigint
  storage?: Array<{name?: string; size?: bigint; attributes?: Array<{key: string; value: string}>}>
  gpu?: {units: number; attributes?: Array<{key: string; value: string}>}
  count?: number
  /** Per-block price per unit, decimal string. */
  price?: string
  denom?: string
}

export function unit(o: UnitOptions = {}) {
  return {
    resource: {
      id: o.id ?? 1,
      cpu: {units: enc(o.cpuMillis ?? 500), attributes: []},
      memory: {quantity: enc(o.memory ?? 512n * 1024n * 1024n), attributes: []},
      storage: (o.storage ?? [{name: 'default', size: 1024n * 1024n * 1024n}]).map((s) => ({
        name: s.name ?? 'default',
        quantity: enc(s.size ?? 1024n * 1024n * 1024n),
        attributes: s.attributes ?? [],
      })),
      gpu: {units: enc(o.gpu?.units ?? 0), attributes: o.gpu?.attributes ?? []},
      endpoints: [{kind: 0, sequenceNumber: 0}],
    },
    count: o.count ?? 1,
    price: {denom: o.denom ?? 'uact', amount: o.price ?? '100'},
  }
}

export interface GroupOptions {
  name?: string
  attributes?: Array<{key: string; value: string}>
  signedBy?: {allOf?: string[]; anyOf?: string[]}
  units?: UnitOptions[]
}

export function group(o: GroupOptions = {}) {
  return {
    name: o.name ?? 'westcoast',
    requirements: {
      signedBy: {allOf: o.signedBy?.allOf ?? [], anyOf: o.signedBy?.anyOf ?? []},
      attributes: o.attributes ?? [],
    },
    resources: (o.units ?? [{}]).map((u) => unit(u)),
  }
}

export const HASH = new Uint8Array(32).fill(7)

export function createDeployment(
  owner: string,
  dseq: number | bigint,
  o: {groups?: GroupOptions[]; deposit?: bigint; denom?: string; hash?: Uint8Array; sources?: Source[]; minWindowSeconds?: number} = {},
) {
  return {
    id: {owner, dseq: dseq.toString()},
    groups: (o.groups ?? [{}]).map((g) => group(g)),
    hash: o.hash ?? HASH,
    deposit: {amount: {denom: o.denom ?? 'uact', amount: (o.deposit ?? 5_000_000n).toString()}, sources: o.sources ?? [Source.balance]},
    ...(o.minWindowSeconds !== undefined ? {reclamation: {minWindow: seconds(o.minWindowSeconds)}} : {}),
  }
}

/** A protobuf Duration of whole (or negative) seconds. */
export function seconds(s: number) {
  return {seconds: BigInt(s), nanos: 0}
}

export function bidId(owner: string, dseq: number | bigint, provider: string, gseq = 1, oseq = 1) {
  return {owner, dseq: dseq.toString(), gseq, oseq, provider, bseq: 0}
}

export function createBid(
  owner: string,
  dseq: number | bigint,
  provider: string,
  o: {
    price?: string
    denom?: string
    deposit?: bigint
    depositDenom?: string
    gseq?: number
    oseq?: number
    offer?: unknown[]
    windowSeconds?: number
  } = {},
) {
  return {
    id: bidId(owner, dseq, provider, o.gseq ?? 1, o.oseq ?? 1),
    price: {denom: o.denom ?? 'uact', amount: o.price ?? '100'},
    deposit: {amount: {denom: o.depositDenom ?? 'uakt', amount: (o.deposit ?? 500_000n).toString()}, sources: [Source.balance]},
    resourcesOffer: o.offer ?? [],
    ...(o.windowSeconds !== undefined ? {reclamationWindow: seconds(o.windowSeconds)} : {}),
  }
}

export function createProvider(owner: string, attributes: Array<{key: string; value: string}> = [], hostUri = 'https://provider.example.com:8443') {
  return {owner, hostUri, attributes, info: {email: 'ops@example.com', website: 'https://example.com'}}
}
