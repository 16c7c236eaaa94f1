import {goCompare} from './go-compat.js'
import type {IssueSink} from './issues.js'
import type {
  Attribute,
  ComputeProfile,
  EndpointJson,
  ExposeDef,
  HttpOptionsInput,
  ManifestExpose,
  ManifestHttpOptions,
  ManifestProxyOptions,
  ManifestService,
  PriceDef,
  ProxyOptionsInput,
  ResourcesJson,
  SdlModel,
} from './types.js'

/** One placement group before it is split into the manifest and the on-chain GroupSpec. */
export interface BuiltGroup {
  name: string
  attributes: Attribute[] | null
  signedBy: {allOf: string[] | null; anyOf: string[] | null}
  units: BuiltUnit[]
  services: ManifestService[]
}

export interface BuiltUnit {
  resources: ResourcesJson
  count: number
  price: PriceDef
  /** Compute profile the unit was made from. */
  profile: string
  /** Services running on this unit. */
  services: string[]
}

const KIND_SHARED_HTTP = 0
const KIND_RANDOM_PORT = 1
const KIND_LEASED_IP = 2

/**
 * Builds the groups the way go/sdl/groupBuilder_v2.go and _v2_1.go do: one group per placement;
 * 2.0 makes one resource unit per service, 2.1 merges services that share a compute profile.
 * Services, groups and exposes are sorted as Go sorts them, so the manifest (and its hash) match.
 */
export function buildGroups(model: SdlModel, issues: IssueSink): BuiltGroup[] {
  const seq = endpointSequenceNumbers(model)
  const groups = new Map<string, BuiltGroup & {tee?: string; bound: Map<string, number>}>()

  for (const svcName of Object.keys(model.deployment).sort(goCompare)) {
    const placements = model.deployment[svcName]
    for (const placementName of Object.keys(placements).sort(goCompare)) {
      const sd = placements[placementName]
      const compute = model.compute[sd.profile]
      const svc = model.services[svcName]
      const infra = model.placement[placementName]
      const price = infra.pricing[sd.profile]

      let group = groups.get(placementName)
      if (!group) {
        group = {
          name: placementName,
          attributes: infra.attributes ? [...infra.attributes] : null,
          signedBy: infra.signedBy,
          units: [],
          services: [],
          bound: new Map(),
        }
        groups.set(placementName, group)
      }

      const tee = svc.params?.tee
      if (tee) {
        const hasGpu = (compute.gpu?.units ?? 0) > 0
        if (tee === 'cpu-gpu' && !hasGpu) {
          issues.error(['services', svcName, 'params', 'tee'], 'tee-needs-gpu', `services.${svcName} asks for tee: cpu-gpu, but its compute profile "${sd.profile}" has no GPU.`, {
            hint: 'Add a gpu to the profile, or use tee: cpu.',
          })
        } else if (group.tee && group.tee !== tee) {
          issues.error(['services', svcName, 'params', 'tee'], 'tee-conflict', `Placement "${placementName}" mixes tee: ${group.tee} and tee: ${tee}.`, {
            hint: 'All services of one placement group share one kind of confidential machine; use the same tee value or separate placements.',
          })
        } else if (!group.tee) {
          group.tee = tee
          group.attributes = [...(group.attributes ?? []), {key: 'tee/type', value: tee}].sort((a, b) => goCompare(a.key, b.key))
        }
      }

      const exposes = manifestExposes(svc.expose, seq)
      const endpoints = exposeEndpoints(exposes)
      const resources = toResources(compute, 0, endpoints)

      const boundIndex = model.version === '2.1' ? group.bound.get(sd.profile) : undefined
      if (boundIndex === undefined) {
        const id = group.units.length + 1
        resources.id = id
        group.units.push({
          resources: toResources(compute, id, endpoints),
          count: sd.count,
          price,
          profile: sd.profile,
          services: [svcName],
        })
        group.bound.set(sd.profile, group.units.length - 1)
      } else {
        const unit = group.units[boundIndex]
        resources.id = unit.resources.id
        unit.count += sd.count
        unit.resources.endpoints = stableSortEndpoints([...unit.resources.endpoints, ...endpoints])
        unit.services.push(svcName)
      }

      let params: ManifestService['params']
      if (svc.params) {
        const storageNames = Object.keys(svc.params.storage).sort(goCompare)
        const storage = svc.params.storage
        params = {
          storage: storageNames.length > 0 ? storageNames.map((name) => ({name, mount: storage[name].mount, readOnly: storage[name].readOnly})) : null,
        }
        if (svc.params.permissions) {
          const read = svc.params.permissions.read
          params.permissions = read && read.length > 0 ? {read} : {}
        }
        if (svc.params.tee) params.tee = {type: svc.params.tee, attestation: true}
      }
      let credentials: ManifestService['credentials'] = null
      if (svc.credentials) {
        const c = svc.credentials
        // 2.0 copies credentials as written and drops the e-mail; 2.1 trims and keeps it.
        credentials =
          model.version === '2.1'
            ? {host: c.host.trim(), email: c.email.trim(), username: c.username.trim(), password: c.password.trim()}
            : {host: c.host, email: '', username: c.username, password: c.password}
      }
      // Field order is Go's struct order: the JSON the provider receives is built from it.
      const service: ManifestService = {
        name: svcName,
        image: svc.image,
        command: svc.command,
        args: svc.args,
        env: svc.env,
        resources,
        count: sd.count,
        expose: exposes,
        ...(params ? {params} : {}),
        credentials,
        // go/sdl groupBuilder: the GPU's interconnect group goes on the service (omitempty).
        ...(compute.gpu?.interconnectGroup ? {interconnectGroup: compute.gpu.interconnectGroup} : {}),
      }
      group.services.push(service)
    }
  }

  return [...groups.values()]
    .sort((a, b) => goCompare(a.name, b.name))
    .map(({name, attributes, signedBy, units, services}) => ({
      name,
      attributes,
      signedBy,
      units,
      services: services.sort((a, b) => goCompare(a.name, b.name)),
    }))
}

/**
 * Leased-IP sequence numbers exactly as Go assigns them: every non-global or IP expose target is
 * listed (non-global ones under the empty name), sorted, numbered from 1, and each name keeps the
 * last number it got. So two services sharing IP "meow" both get 2, not 1.
 */
function endpointSequenceNumbers(model: SdlModel): Map<string, number> {
  const names: string[] = []
  for (const svcName of Object.keys(model.deployment).sort(goCompare)) {
    for (const expose of model.services[svcName]?.expose ?? []) {
      for (const to of expose.to) {
        if (to.global && to.ip === '') continue
        names.push(to.ip)
      }
    }
  }
  names.sort(goCompare)
  const out = new Map<string, number>()
  names.forEach((name, i) => out.set(name, i + 1))
  return out
}

function manifestHttpOptions(h: HttpOptionsInput): ManifestHttpOptions {
  const out: ManifestHttpOptions = {
    maxBodySize: h.maxBodySize || 1048576,
    readTimeout: h.readTimeout || 60000,
    sendTimeout: h.sendTimeout || 60000,
    nextTries: h.nextTries || 3,
    nextTimeout: h.nextTimeout,
  }
  const cases = h.nextCases && h.nextCases.length > 0 ? h.nextCases : ['error', 'timeout']
  out.nextCases = cases
  // Both are omitempty: a manifest without them hashes exactly as before they existed.
  if (h.proxy) out.proxy = manifestProxyOptions(h.proxy)
  if (h.proxyBufferSize > 0) out.proxyBufferSize = h.proxyBufferSize
  return out
}

/** Proto field order; zero fields are left out (Go omitempty, chain-sdk's OMITTED_WHEN_ZERO_KEYS). */
function manifestProxyOptions(p: ProxyOptionsInput): ManifestProxyOptions {
  return {
    ...(p.bufferingDisable ? {bufferingDisable: true} : {}),
    ...(p.bufferSize > 0 ? {bufferSize: p.bufferSize} : {}),
    ...(p.buffersNumber > 0 ? {buffersNumber: p.buffersNumber} : {}),
    ...(p.buffersSize > 0 ? {buffersSize: p.buffersSize} : {}),
    ...(p.busyBuffersSize > 0 ? {busyBuffersSize: p.busyBuffersSize} : {}),
    ...(p.connectTimeout > 0 ? {connectTimeout: p.connectTimeout} : {}),
  }
}

function manifestExposes(list: ExposeDef[], seq: Map<string, number>): ManifestExpose[] {
  const out: ManifestExpose[] = []
  for (const e of list) {
    const proto = e.proto.toUpperCase() === 'UDP' ? 'UDP' : 'TCP'
    const httpOptions = manifestHttpOptions(e.httpOptions)
    const targets = e.to.length > 0 ? e.to : [{service: '', global: false, ip: ''}]
    for (const to of targets) {
      out.push({
        port: e.port,
        externalPort: e.as,
        proto,
        service: to.service,
        global: to.global,
        hosts: e.accept,
        httpOptions,
        ip: to.ip,
        endpointSequenceNumber: to.global && to.ip !== '' ? (seq.get(to.ip) ?? 0) : 0,
      })
    }
  }
  return stableSort(out, exposeLess)
}

function exposeLess(a: ManifestExpose, b: ManifestExpose): boolean {
  if (a.service !== b.service) return goCompare(a.service, b.service) < 0
  if (a.port !== b.port) return a.port < b.port
  if (a.proto !== b.proto) return a.proto < b.proto
  if (a.global !== b.global) return a.global
  return false
}

export function isIngress(e: {proto: string; global: boolean; port: number; externalPort: number}): boolean {
  return e.proto === 'TCP' && e.global && (e.externalPort === 0 ? e.port : e.externalPort) === 80
}

function exposeEndpoints(exposes: ManifestExpose[]): EndpointJson[] {
  const out: EndpointJson[] = []
  for (const e of exposes) {
    if (!e.global) continue
    const list: EndpointJson[] = []
    if (e.ip !== '') list.push({kind: KIND_LEASED_IP, sequence_number: e.endpointSequenceNumber})
    const kind = isIngress(e) ? KIND_SHARED_HTTP : KIND_RANDOM_PORT
    list.push(kind === KIND_SHARED_HTTP ? {sequence_number: 0} : {kind, sequence_number: 0})
    out.push(...stableSortEndpoints(list))
  }
  return out
}

function stableSortEndpoints(list: EndpointJson[]): EndpointJson[] {
  return stableSort(list, (a, b) => a.sequence_number < b.sequence_number)
}

function stableSort<T>(list: T[], less: (a: T, b: T) => boolean): T[] {
  // Go's sort.Sort is an insertion sort for short slices, so stable ordering reproduces it.
  return list
    .map((item, index) => ({item, index}))
    .sort((x, y) => (less(x.item, y.item) ? -1 : less(y.item, x.item) ? 1 : x.index - y.index))
    .map((x) => x.item)
}

function toResources(compute: ComputeProfile, id: number, endpoints: EndpointJson[]): ResourcesJson {
  const res: ResourcesJson = {
    id,
    cpu: {units: {val: String(compute.cpu.millis)}, ...(compute.cpu.attributes ? {attributes: compute.cpu.attributes} : {})},
    memory: {size: {val: compute.memory.bytes.toString()}},
    storage: compute.storage.map((v) => ({
      name: v.name,
      size: {val: v.bytes.toString()},
      ...(v.attributes && v.attributes.length > 0 ? {attributes: v.attributes} : {}),
    })),
    gpu: compute.gpu
      ? {units: {val: String(compute.gpu.units)}, ...(compute.gpu.attributes ? {attributes: compute.gpu.attributes} : {})}
      : {units: {val: '0'}},
    endpoints: [...endpoints],
  }
  if (compute.storage.length === 0) delete res.storage
  return res
}
