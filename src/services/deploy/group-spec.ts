import type {GroupSpec} from '../../market/market.js'
import type {GroupSpecProto} from '../../sdl/index.js'

const KINDS = ['shared_http', 'random_port', 'leased_ip'] as const
const value = (v: {val: bigint}) => v.val

/** Parses a human LegacyDec ("1.5") into base denom × 10^18. */
function scaled(amount: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(amount)
  if (!m) return 0n
  return BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? '').padEnd(18, '0'))
}

/** The SDL layer's chain-sdk GroupSpec → the Market's plain GroupSpec (for matching and pricing). */
export function convertGroupSpec(spec: GroupSpecProto): GroupSpec {
  return {
    name: spec.name,
    requirements: {
      signedBy: {allOf: [...spec.requirements.signedBy.allOf], anyOf: [...spec.requirements.signedBy.anyOf]},
      attributes: spec.requirements.attributes.map((a) => ({key: a.key, value: a.value})),
    },
    resources: spec.resources.map((r) => ({
      id: r.resource.id,
      cpuMillis: value(r.resource.cpu.units),
      memoryBytes: value(r.resource.memory.quantity),
      storage: r.resource.storage.map((s) => ({name: s.name, bytes: value(s.quantity), attributes: s.attributes.map((a) => ({...a}))})),
      gpu: {units: value(r.resource.gpu.units), attributes: r.resource.gpu.attributes.map((a) => ({...a}))},
      endpoints: r.resource.endpoints.map((e) => ({kind: KINDS[e.kind] ?? 'shared_http', sequenceNumber: e.sequenceNumber})),
      count: r.count,
      price: {denom: r.price.denom, amount: scaled(r.price.amount)},
    })),
  }
}
