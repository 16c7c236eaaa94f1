/**
 * Public types of the SDL layer. Two families:
 * - the parsed SDL (`SdlModel`), normalised the way Akash's Go parser decodes it;
 * - what leaves the SDL layer: the manifest (`akash.manifest.v2beta3`, Go JSON shape) and the
 *   on-chain group specs (`akash.deployment.v1beta4.GroupSpec`).
 */

import type {BaseAmountText} from '../protocol/json-fields.js'

export type Severity = 'error' | 'warning'

/** One problem in an SDL file, always with a location. */
export interface SdlIssue {
  severity: Severity
  /** Stable machine-readable id, e.g. `unknown-field`, `image-latest`, `denom-uakt`. */
  code: string
  /** One sentence: what is wrong. */
  message: string
  /** What to do about it. */
  hint?: string
  /** YAML path, e.g. `services.web.expose[0].port` (empty for the whole document). */
  path: string
  file?: string
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
  /** A replacement that fixes the problem, when one is known. */
  fix?: SdlFix
}

export interface SdlFix {
  /** What the fix does, in words. */
  description: string
  /** YAML path of the node to replace. */
  path: string
  /** The replacement YAML for that node (indented as a top-level snippet). */
  yaml: string
}

export type SdlVersion = '2.0' | '2.1'

export interface Attribute {
  key: string
  value: string
}

export interface HttpOptionsInput {
  maxBodySize: number
  /** Go parser's `proxy_buffer_size` (go/sdl v0.3.1); chain-sdk alpha.45 replaced it by `proxy.buffer_size`. */
  proxyBufferSize: number
  /** Milliseconds; the SDL may say "30s". 0 when unset. */
  readTimeout: number
  /** Milliseconds; the SDL may say "30s". 0 when unset. */
  sendTimeout: number
  nextTries: number
  nextTimeout: number
  nextCases: string[] | null
  /** `http_options.proxy` (chain-sdk alpha.45); null when absent or all zero. */
  proxy: ProxyOptionsInput | null
}

/** nginx proxy tuning for one route (`http_options.proxy`); 0/false means "provider default". */
export interface ProxyOptionsInput {
  bufferingDisable: boolean
  bufferSize: number
  buffersNumber: number
  buffersSize: number
  busyBuffersSize: number
  /** Milliseconds. */
  connectTimeout: number
}

export interface ExposeTo {
  service: string
  global: boolean
  ip: string
}

export interface ExposeDef {
  port: number
  /** `as`: the external port; 0 when not set. */
  as: number
  /** As written (`tcp`, `UDP`, or empty for TCP). */
  proto: string
  to: ExposeTo[]
  /** `accept` hostnames; null when the field is absent. */
  accept: string[] | null
  httpOptions: HttpOptionsInput
}

export interface StorageParamsDef {
  mount: string
  readOnly: boolean
}

export interface ServiceDef {
  image: string
  command: string[] | null
  args: string[] | null
  env: string[] | null
  expose: ExposeDef[]
  dependencies: string[]
  params?: {
    storage: Record<string, StorageParamsDef>
    permissions?: {read: string[] | null}
    tee?: string
  }
  credentials?: {host: string; email: string; username: string; password: string}
}

export interface VolumeDef {
  /** "default" when the SDL names none (`unnamed`). */
  name: string
  /** True when the SDL gives the volume no name; chain-sdk then cannot find it by "default". */
  unnamed?: boolean
  bytes: bigint
  /** Sorted by key; persistent/class normalised ("true"/"false"). */
  attributes: Attribute[] | null
}

export interface ComputeProfile {
  /** `attributes` holds at most `arch`. */
  cpu: {millis: number; attributes: Attribute[] | null}
  /**
   * `interconnectGroup`: the GPU interconnect peer group, "auto" for `interconnect: []`, the name
   * for `interconnect: {group: <name>}`; also in `attributes` as `interconnect/group`.
   */
  gpu?: {units: number; attributes: Attribute[] | null; interconnectGroup?: string}
  memory: {bytes: bigint}
  /** In Akash's canonical order (size, then class/persistent, then name). */
  storage: VolumeDef[]
}

export interface PriceDef {
  denom: string
  /** LegacyDec: the amount × 10^18. */
  amount: bigint
}

export interface PlacementProfile {
  attributes: Attribute[] | null
  signedBy: {allOf: string[] | null; anyOf: string[] | null}
  pricing: Record<string, PriceDef>
}

export interface ServiceDeployment {
  profile: string
  count: number
}

/** The SDL as Akash's Go parser holds it after decoding. */
export interface SdlModel {
  version: SdlVersion
  services: Record<string, ServiceDef>
  compute: Record<string, ComputeProfile>
  placement: Record<string, PlacementProfile>
  /** service → placement → {profile, count} */
  deployment: Record<string, Record<string, ServiceDeployment>>
  endpoints: Record<string, {kind: string}>
  reclamation?: SdlReclamation
  /** `include:` entries; Akash reads and ignores them. */
  include?: string[]
}

/** `reclamation.min_window` (AEP-82): the shortest reclamation window a provider may offer to bid. */
export interface SdlReclamation {
  /** As written, e.g. "24h". */
  minWindow: string
  /** The window in seconds; fractional only for Go-style windows ("1.5s") that strict rules reject. */
  seconds: number
}

/**
 * `akash.deployment.v1.DeploymentReclamation` as chain-sdk's codecs take it (and as its
 * `generateManifest` returns it): `MsgCreateDeployment.reclamation`.
 */
export interface DeploymentReclamationProto {
  /** google.protobuf.Duration. */
  minWindow: {seconds: bigint; nanos: number}
}

// ---------------------------------------------------------------------------------------------
// Manifest: akash.manifest.v2beta3, in the JSON shape Go's json.Marshal produces (field order
// included), which is what the provider receives and hashes.

export interface ResourceValueJson {
  val: string
}

export interface EndpointJson {
  /** 0 SHARED_HTTP (omitted), 1 RANDOM_PORT, 2 LEASED_IP. */
  kind?: number
  sequence_number: number
}

export interface ResourcesJson {
  id: number
  cpu: {units: ResourceValueJson; attributes?: Attribute[]}
  memory: {size: ResourceValueJson; attributes?: Attribute[]}
  storage?: Array<{name: string; size: ResourceValueJson; attributes?: Attribute[]}>
  gpu: {units: ResourceValueJson; attributes?: Attribute[]}
  endpoints: EndpointJson[]
}

export interface ManifestHttpOptions {
  maxBodySize: number
  readTimeout: number
  sendTimeout: number
  nextTries: number
  nextTimeout: number
  nextCases?: string[]
  /** chain-sdk alpha.45; omitted when unset, so older manifests hash as before. */
  proxy?: ManifestProxyOptions
  /** Go parser v0.3.1 (`proxy_buffer_size`, `--go-rules` only); omitted when 0. */
  proxyBufferSize?: number
}

/** `akash.manifest.v2beta3.ProxyOptions`: every field omitted when zero (omitempty). */
export interface ManifestProxyOptions {
  bufferingDisable?: boolean
  bufferSize?: number
  buffersNumber?: number
  buffersSize?: number
  busyBuffersSize?: number
  connectTimeout?: number
}

export interface ManifestExpose {
  port: number
  externalPort: number
  proto: 'TCP' | 'UDP'
  service: string
  global: boolean
  hosts: string[] | null
  httpOptions: ManifestHttpOptions
  ip: string
  endpointSequenceNumber: number
}

export interface ManifestCredentials {
  host: string
  email: string
  username: string
  password: string
}

export interface ManifestServiceParams {
  storage: Array<{name: string; mount: string; readOnly: boolean}> | null
  permissions?: {read?: string[]}
  tee?: {type: string; attestation: boolean}
}

export interface ManifestService {
  name: string
  image: string
  command: string[] | null
  args: string[] | null
  env: string[] | null
  resources: ResourcesJson
  count: number
  expose: ManifestExpose[]
  params?: ManifestServiceParams
  credentials: ManifestCredentials | null
  /** GPU interconnect peer group (omitempty): "auto" or the SDL's group name. */
  interconnectGroup?: string
}

export interface ManifestGroup {
  name: string
  services: ManifestService[]
}

export type Manifest = ManifestGroup[]

// ---------------------------------------------------------------------------------------------
// Group specs.

/** A DecCoin in the three spellings that exist for it. */
export interface DecCoinForms {
  denom: string
  /** Human decimal, trailing zeros trimmed: "1.5". What chain-sdk's codecs take. */
  amount: string
  /** Go's LegacyDec.String(): "1.500000000000000000" (the JSON the Go parser emits). */
  legacy: string
  /** The protobuf wire string, amount × 10^18: "1500000000000000000". */
  wire: string
  /** amount × 10^18 as a bigint (what src/protocol/money.ts calls a per-block price). */
  scaled: bigint
}

/** GroupSpec in Go's JSON shape (group-specs.json fixtures). */
export interface GroupSpecJson {
  name: string
  requirements: {
    signed_by: {all_of: string[] | null; any_of: string[] | null}
    attributes: Attribute[] | null
  }
  resources: Array<{
    resource: ResourcesJson
    count: number
    price: {denom: string; amount: BaseAmountText}
  }>
}

export interface ResourceValueProto {
  /** The value; chain-sdk's codec writes its decimal string on the wire (the field is `bytes`). */
  val: bigint
}

/**
 * A GroupSpec as chain-sdk's ts-proto decoders yield it (a chain query's `GroupSpec`, a bid
 * screening request's `group_spec`): sub-messages may be missing, `price.amount` is a human decimal.
 */
export interface DecodedGroupSpec {
  name: string
  requirements?: {signedBy?: {allOf: string[]; anyOf: string[]}; attributes: Attribute[]}
  resources: Array<{resource?: DecodedResources; count: number; price?: {denom: string; amount: string}}>
}

/** `akash.base.resources.v1beta4.Resources` as decoded (see DecodedGroupSpec). */
export interface DecodedResources {
  id: number
  cpu?: {units?: ResourceValueProto}
  memory?: {quantity?: ResourceValueProto}
  storage: Array<{name: string; quantity?: ResourceValueProto; attributes: Attribute[]}>
  gpu?: {units?: ResourceValueProto; attributes: Attribute[]}
  endpoints: Array<{kind: number; sequenceNumber: number}>
}

/**
 * `akash.deployment.v1beta4.GroupSpec` as chain-sdk's ts-proto types take it
 * (`GroupSpec.fromPartial(spec)`); `price.amount` is the human decimal that chain-sdk's patched
 * DecCoin codec scales to 18 decimals on the wire (use `priceWire` with unpatched codecs).
 */
export interface GroupSpecProto {
  name: string
  requirements: {
    signedBy: {allOf: string[]; anyOf: string[]}
    attributes: Attribute[]
  }
  resources: Array<{
    resource: {
      id: number
      cpu: {units: ResourceValueProto; attributes: Attribute[]}
      memory: {quantity: ResourceValueProto; attributes: Attribute[]}
      storage: Array<{name: string; quantity: ResourceValueProto; attributes: Attribute[]}>
      gpu: {units: ResourceValueProto; attributes: Attribute[]}
      endpoints: Array<{kind: number; sequenceNumber: number}>
    }
    count: number
    price: {denom: string; amount: BaseAmountText}
  }>
}

/** Totals for one placement group (per-replica resources × count, summed over its units). */
export interface GroupTotals {
  group: string
  services: string[]
  replicas: number
  cpuMillis: number
  memoryBytes: bigint
  /** All volumes. */
  storageBytes: bigint
  persistentStorageBytes: bigint
  gpus: number
  /** GPU attribute keys requested, e.g. `vendor/nvidia/model/h100`. */
  gpuModels: string[]
}

/** The most the tenant pays per block for one group: Σ price × count. */
export interface GroupPrice {
  group: string
  denom: string
  /** amount × 10^18 (LegacyDec), the unit src/protocol/money.ts uses for per-block prices. */
  perBlock: bigint
  /** Human decimal of `perBlock`, e.g. "1.5" (uact per block). */
  perBlockDecimal: string
}
