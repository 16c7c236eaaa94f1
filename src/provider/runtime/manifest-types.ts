/**
 * The manifest a tenant PUTs to a provider (`akash.manifest.v2beta3`), as JSON: an array of groups.
 * These types describe that JSON shape exactly as chain-sdk's `manifest()` / sorted JSON produce it,
 * so the SDL code and the provider exchange the same objects. `val` fields are decimal strings on
 * the wire (chain-sdk's unsorted `manifest()` gives numbers), hence `string | number`.
 */

export type ManifestResourceValue = {val: string | number}

export interface ManifestAttribute {
  key: string
  value: string
}

export interface ManifestStorage {
  name: string
  size: ManifestResourceValue
  /** e.g. `[{key:'class', value:'beta2'}, {key:'persistent', value:'true'}]`. */
  attributes?: ManifestAttribute[] | null
}

export interface ManifestEndpoint {
  /** 0 SHARED_HTTP (may be omitted), 1 RANDOM_PORT, 2 LEASED_IP. */
  kind?: number
  sequence_number: number
}

export interface ManifestResources {
  id?: number
  cpu: {units: ManifestResourceValue; attributes?: ManifestAttribute[] | null}
  memory: {size: ManifestResourceValue; attributes?: ManifestAttribute[] | null}
  storage?: ManifestStorage[] | null
  gpu?: {units: ManifestResourceValue; attributes?: ManifestAttribute[] | null} | null
  endpoints?: ManifestEndpoint[] | null
}

export interface ManifestHttpOptions {
  maxBodySize: number
  readTimeout: number
  sendTimeout: number
  nextTries: number
  nextTimeout: number
  /** "error", "timeout", "500", "502", "503", "504", "403", "404", "429", "off". */
  nextCases: string[] | null
  proxyBufferSize?: number
}

export interface ManifestExpose {
  port: number
  /** 0 means "same as port". */
  externalPort: number
  proto: 'TCP' | 'UDP' | string
  /** For a non-global expose, the service allowed to connect; "" otherwise. */
  service: string
  global: boolean
  /** `accept` hostnames from the SDL. */
  hosts: string[] | null
  httpOptions?: ManifestHttpOptions | null
  /** Name of a leased-IP endpoint; "" when none. */
  ip: string
  endpointSequenceNumber: number
}

export interface ManifestStorageParams {
  name: string
  mount: string
  readOnly: boolean
}

export interface ManifestServiceParams {
  storage?: ManifestStorageParams[] | null
  permissions?: unknown
  [key: string]: unknown
}

export interface ManifestCredentials {
  host: string
  email?: string
  username: string
  password: string
}

export interface ManifestService {
  name: string
  image: string
  command: string[] | null
  args: string[] | null
  /** `KEY=value` strings. */
  env: string[] | null
  resources: ManifestResources
  count: number
  expose: ManifestExpose[] | null
  params?: ManifestServiceParams | null
  credentials?: ManifestCredentials | null
}

export interface ManifestGroup {
  name: string
  services: ManifestService[]
}

/** The whole manifest: one entry per deployment group. */
export type Manifest = ManifestGroup[]
