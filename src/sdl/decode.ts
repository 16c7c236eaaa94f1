import type {Reader} from './reader.js'
import type {MapEntry, YNode} from './source.js'
import type {SdlModel, SdlVersion} from './types.js'
import {field} from './decode/common.js'
import {decodeCompute} from './decode/compute.js'
import {decodeDeployment, decodeEndpoints, decodeReclamation} from './decode/deployment.js'
import {decodePlacement} from './decode/placement.js'
import {decodeService} from './decode/services.js'

/**
 * Structure and Go-decoding rules in one pass: the JSON schema Akash ships with its SDL
 * (go/sdl/sdl-input.schema.yaml, which Console and chain-sdk enforce) and the stricter reads the Go
 * parser makes (units, decimals, storage attributes, GPU attributes). Cross-references between
 * sections are checked later (semantic.ts).
 */

const TOP_KEYS = ['version', 'services', 'profiles', 'deployment', 'endpoints', 'include', 'reclamation'] as const

export function decodeSdl(r: Reader): SdlModel | undefined {
  const errorsBefore = r.issues.errorCount
  const root = r.src.root
  if (r.isNull(root)) {
    r.issues.error([], 'empty', 'The SDL file is empty.', {
      hint: 'Run `edge init` to write one from a template, or start with version, services, profiles and deployment.',
    })
    return undefined
  }
  const top = r.map(root, [], 'The SDL', {allowed: TOP_KEYS, required: ['version', 'services', 'profiles', 'deployment'], closedBy: 'go', emptyAsAbsent: ['endpoints', 'include']})
  if (!top) return undefined

  const version = decodeVersion(r, field(top, 'version'))
  const model: SdlModel = {
    version: version ?? '2.0',
    services: {},
    compute: {},
    placement: {},
    deployment: {},
    endpoints: {},
  }

  const services = field(top, 'services')
  if (services) {
    for (const e of r.named(services.value, ['services'], 'services') ?? []) {
      const svc = decodeService(r, e.value, ['services', e.key])
      if (svc) model.services[e.key] = svc
    }
  }

  const profiles = field(top, 'profiles')
  if (profiles) decodeProfiles(r, profiles.value, model)

  const deployment = field(top, 'deployment')
  if (deployment) decodeDeployment(r, deployment.value, model)

  const endpoints = field(top, 'endpoints')
  if (endpoints) decodeEndpoints(r, endpoints.value, model)

  const include = field(top, 'include')
  if (include) {
    const list = r.strings(include.value, ['include'], 'include')
    if (list) model.include = list
  }

  const reclamation = field(top, 'reclamation')
  if (reclamation) {
    const rec = decodeReclamation(r, reclamation.value)
    if (rec) model.reclamation = rec
  }

  if (r.issues.errorCount > errorsBefore || !version) return undefined
  return model
}

function decodeVersion(r: Reader, entry: MapEntry | undefined): SdlVersion | undefined {
  if (!entry) return undefined
  const path = ['version']
  const kind = r.kind(entry.value)
  const text = r.text(entry.value)
  if (kind === 'string' && (text === '2.0' || text === '2.1')) return text
  // Go reads the version with semver.ParseTolerant: "2" is 2.0.0, and anything from 2.1 up is 2.1.
  const semver = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim())
  const goVersion: SdlVersion | undefined = semver
    ? compareSemver(semver, [2, 0, 0]) === 0
      ? '2.0'
      : compareSemver(semver, [2, 1, 0]) >= 0
        ? '2.1'
        : undefined
    : undefined
  const hint = `Write version: "${goVersion ?? '2.0'}" (2.1 also merges services that share a compute profile).`
  if (!goVersion || (kind !== 'string' && kind !== 'number')) {
    r.issues.error(path, 'unsupported-version', `version is ${r.describe(entry.value)}; Akash reads SDL version "2.0" or "2.1".`, {hint})
    return undefined
  }
  if (kind === 'number') {
    r.schemaOnly(path, 'wrong-type', `version must be the text "2.0" or "2.1" in quotes, not the number ${text}.`, {hint})
  } else {
    r.schemaOnly(path, 'unsupported-version', `version is "${text}"; the SDL schema allows only "2.0" and "2.1" (Akash's Go parser reads it as ${goVersion}).`, {hint})
  }
  return goVersion
}

function compareSemver(m: RegExpExecArray, v: [number, number, number]): number {
  const parts = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
  for (let i = 0; i < 3; i++) if (parts[i] !== v[i]) return parts[i] < v[i] ? -1 : 1
  return 0
}

// ---------------------------------------------------------------------------------------------
// profiles

function decodeProfiles(r: Reader, node: YNode, model: SdlModel): void {
  const entries = r.map(node, ['profiles'], 'profiles', {allowed: ['compute', 'placement'], required: ['compute', 'placement']})
  if (!entries) return
  const compute = field(entries, 'compute')
  if (compute) {
    for (const e of r.named(compute.value, ['profiles', 'compute'], 'profiles.compute') ?? []) {
      const profile = decodeCompute(r, e.value, ['profiles', 'compute', e.key])
      if (profile) model.compute[e.key] = profile
    }
  }
  const placement = field(entries, 'placement')
  if (placement) {
    for (const e of r.named(placement.value, ['profiles', 'placement'], 'profiles.placement') ?? []) {
      const profile = decodePlacement(r, e.value, ['profiles', 'placement', e.key])
      if (profile) model.placement[e.key] = profile
    }
  }
}
