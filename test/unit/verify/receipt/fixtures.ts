/** A tenant, a lease and a chain that agree, for receipt tests; each test changes one thing. */
import {deriveKey} from '../../../../src/config/mnemonic.js'
import {type ReceiptChain, type ReceiptInput, type ReceiptLeaseFacts, secp256k1Signer} from '../../../../src/verify/receipt/index.js'
import {agreement} from '../../../../src/verify/redundant/index.js'

/** BIP-39's all-"abandon" test vector and another fixed phrase: keys anyone can recompute, holding nothing. */
export const TENANT_MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
export const OTHER_MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow'

export async function keys() {
  const tenant = await deriveKey(TENANT_MNEMONIC)
  const other = await deriveKey(OTHER_MNEMONIC)
  return {tenant, other, tenantSigner: secp256k1Signer(tenant.privkey), otherSigner: secp256k1Signer(other.privkey)}
}

export const PROVIDER = 'akash1provider0000000000000000000000000000'
export const VERSION = 'a3f1c2d4e5b6978812345678901234567890abcdef1234567890abcdef123456'
const SDL = 'version: "2.0"\nservices:\n  job:\n    image: ghcr.io/example/job@sha256:' + '1'.repeat(64) + '\n'

export function receiptInput(owner: string): ReceiptInput {
  return {
    network: {chainId: 'edge-dev', name: 'local'},
    provider: {address: PROVIDER, hostUri: 'https://localhost:8443'},
    lease: {owner, dseq: 1234n, gseq: 1, oseq: 1, state: 'closed'},
    heights: {deploymentCreated: 100, leaseCreated: 103, leaseClosed: 250, observed: 251},
    manifestVersion: VERSION,
    sdl: {bytes: SDL, name: 'deploy.yaml'},
    images: [{service: 'job', image: `ghcr.io/example/job@sha256:${'1'.repeat(64)}`, digest: '1'.repeat(64), digestSource: 'sdl'}],
    price: {denom: 'uact', perBlockScaled: 1_500_000_000_000_000_000n, usdPerHourScaled: 885_000_000_000_000n},
    verify: {status: 'pass', checks: [{check: 'probe.cpu', status: 'pass', reason: 'the cgroup allows 1 CPU; the lease pays for 1'}]},
    attestation: {status: 'mock', checks: [{check: 'mock.report', status: 'mock', reason: 'a MOCK report'}]},
    outputs: [{name: 'result.json', sha256: 'b'.repeat(64)}],
    redundancy: agreement([{provider: PROVIDER, hash: 'b'.repeat(64)}]),
    createdAt: new Date('2026-12-08T10:00:00Z'),
    generator: {name: 'edge', version: '0.1.0'},
  }
}

export interface FakeChainState {
  chainId: string
  accounts: Record<string, {pubkey?: Uint8Array}>
  leases: Record<string, ReceiptLeaseFacts[]>
  deployments: Record<string, {version: string; createdAt: number}>
  fail?: Error
}

/** A chain where the lease in receiptInput(owner) happened exactly as the receipt says. */
export function honestChain(owner: string, pubkey: Uint8Array): FakeChainState {
  return {
    chainId: 'edge-dev',
    accounts: {[owner]: {pubkey}},
    leases: {[`${owner}/1234/1/1`]: [{provider: PROVIDER, state: 'closed', createdAt: 103, closedOn: 250, price: {denom: 'uact', amount: 1_500_000_000_000_000_000n}}]},
    deployments: {[`${owner}/1234`]: {version: VERSION, createdAt: 100}},
  }
}

export function fakeChain(state: FakeChainState): ReceiptChain {
  const guard = async <T>(v: T) => {
    if (state.fail) throw state.fail
    return v
  }
  return {
    chainId: () => guard(state.chainId),
    account: (address) => guard(state.accounts[address]),
    leases: (o) => guard(state.leases[`${o.owner}/${o.dseq}/${o.gseq}/${o.oseq}`] ?? []),
    deployment: (owner, dseq) => guard(state.deployments[`${owner}/${dseq}`]),
  }
}
