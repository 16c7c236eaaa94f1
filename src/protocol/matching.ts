/**
 * Order-matching rules of the Akash chain as pure functions, shared by `edge dev` (which enforces
 * them on MsgCreateBid, as node's x/market does), the provider's bid engine (which skips orders it
 * cannot win) and `edge deploy` (which explains why no bids came).
 *
 * Semantics follow pkg.akt.dev/go (chain-sdk go/node/types/attributes/v1 and
 * go/node/deployment/v1beta4/groupspec.go):
 * - an attribute requirement matches an offered attribute when its key matches as a glob
 *   (Go `filepath.Match`, `*` stops at `/`) and the values are equal;
 * - without signedBy, every placement attribute must match one of the provider's own attributes;
 * - with signedBy, the attributes must be signed by every `allOf` auditor and, if `anyOf` is set,
 *   by at least one `anyOf` auditor (the provider's own attributes then do not count);
 * - each storage volume with attributes must fit one `capabilities/storage/<n>/…` group;
 * - a GPU request with attributes matches when any requested model matches one of the
 *   provider's `capabilities/gpu/…` attributes.
 */
import type {Attribute, SignedBy} from './types.js'

export type {Attribute, SignedBy}

// ---------------------------------------------------------------------------------------------
// Glob

/**
 * Go's `path/filepath.Match` on a Unix separator. A malformed pattern never matches (node
 * discards the ErrBadPattern and treats it as a mismatch).
 */
export function globMatch(pattern: string, name: string): boolean {
  const res = match(Array.from(pattern), Array.from(name))
  return res === true
}

const BAD = 'bad-pattern' as const
type Chars = string[]

function match(pattern: Chars, name: Chars): boolean | typeof BAD {
  let p = pattern
  let n = name
  outer: while (p.length > 0) {
    const {star, chunk, rest} = scanChunk(p)
    p = rest
    if (star && chunk.length === 0) return !n.includes('/')
    const first = matchChunk(chunk, n)
    if (first === BAD) return BAD
    if (first !== false && (first.length === 0 || p.length > 0)) {
      n = first
      continue
    }
    if (star) {
      for (let i = 0; i < n.length && n[i] !== '/'; i++) {
        const t = matchChunk(chunk, n.slice(i + 1))
        if (t === BAD) return BAD
        if (t !== false) {
          if (p.length === 0 && t.length > 0) continue
          n = t
          continue outer
        }
      }
    }
    // Go checks the rest of the pattern for syntax errors before reporting a mismatch.
    while (p.length > 0) {
      const next = scanChunk(p)
      p = next.rest
      if (matchChunk(next.chunk, []) === BAD) return BAD
    }
    return false
  }
  return n.length === 0
}

function scanChunk(pattern: Chars): {star: boolean; chunk: Chars; rest: Chars} {
  let p = pattern
  let star = false
  while (p.length > 0 && p[0] === '*') {
    p = p.slice(1)
    star = true
  }
  let inRange = false
  let i = 0
  for (; i < p.length; i++) {
    const c = p[i]
    if (c === '\\') {
      if (i + 1 < p.length) i++
    } else if (c === '[') {
      inRange = true
    } else if (c === ']') {
      inRange = false
    } else if (c === '*' && !inRange) {
      break
    }
  }
  return {star, chunk: p.slice(0, i), rest: p.slice(i)}
}

/** Matches one chunk at the start of `s`: the rest of `s`, false, or BAD. */
function matchChunk(chunkIn: Chars, sIn: Chars): Chars | false | typeof BAD {
  let chunk = chunkIn
  let s = sIn
  let failed = false
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true
    const c = chunk[0]
    if (c === '[') {
      let r = ''
      if (!failed) {
        r = s[0]
        s = s.slice(1)
      }
      chunk = chunk.slice(1)
      let negated = false
      if (chunk.length > 0 && chunk[0] === '^') {
        negated = true
        chunk = chunk.slice(1)
      }
      let matched = false
      let ranges = 0
      for (;;) {
        if (chunk.length > 0 && chunk[0] === ']' && ranges > 0) {
          chunk = chunk.slice(1)
          break
        }
        const lo = getEsc(chunk)
        if (lo === BAD) return BAD
        chunk = lo.rest
        let hi = lo.char
        if (chunk[0] === '-') {
          const h = getEsc(chunk.slice(1))
          if (h === BAD) return BAD
          chunk = h.rest
          hi = h.char
        }
        const cp = r === '' ? 0 : r.codePointAt(0)!
        if (lo.char.codePointAt(0)! <= cp && cp <= hi.codePointAt(0)!) matched = true
        ranges++
      }
      if (matched === negated) failed = true
    } else if (c === '?') {
      if (!failed) {
        if (s[0] === '/') failed = true
        s = s.slice(1)
      }
      chunk = chunk.slice(1)
    } else {
      let literal = c
      if (c === '\\') {
        chunk = chunk.slice(1)
        if (chunk.length === 0) return BAD
        literal = chunk[0]
      }
      if (!failed) {
        if (literal !== s[0]) failed = true
        s = s.slice(1)
      }
      chunk = chunk.slice(1)
    }
  }
  return failed ? false : s
}

function getEsc(chunkIn: Chars): {char: string; rest: Chars} | typeof BAD {
  let chunk = chunkIn
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') return BAD
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1)
    if (chunk.length === 0) return BAD
  }
  const char = chunk[0]
  const rest = chunk.slice(1)
  if (rest.length === 0) return BAD
  return {char, rest}
}

// ---------------------------------------------------------------------------------------------
// Attributes

/** `Attribute.SubsetOf`: the requirement's key matches as a glob and the values are equal. */
export function attributeMatches(required: Attribute, offered: Attribute): boolean {
  return globMatch(required.key, offered.key) && required.value === offered.value
}

/** The required attributes that no offered attribute satisfies (empty when all are met). */
export function unmetAttributes(required: readonly Attribute[], offered: readonly Attribute[]): Attribute[] {
  return required.filter((req) => !offered.some((have) => attributeMatches(req, have)))
}

/** `AttributesSubsetOf(a, b)`. */
export function attributesSubsetOf(required: readonly Attribute[], offered: readonly Attribute[]): boolean {
  return unmetAttributes(required, offered).length === 0
}

/** `AttributesAnyOf(a, b)`: at least one requirement is met. */
export function attributesAnyOf(required: readonly Attribute[], offered: readonly Attribute[]): boolean {
  return required.some((req) => offered.some((have) => attributeMatches(req, have)))
}

/** Attribute key checks (`AttributeNameRegexpString[Wildcard]`). */
export const ATTRIBUTE_KEY_RE = /^([a-zA-Z][\w/.-]{1,126})$/
export const ATTRIBUTE_KEY_WILDCARD_RE = /^([a-zA-Z][\w/.-]{1,126}[\w*]?)$/

/** Why an attribute list is invalid (`Attributes.ValidateWithRegex`), or undefined. */
export function attributesProblem(
  attributes: readonly Attribute[],
  wildcard: boolean,
): 'invalid_key' | 'duplicate_key' | undefined {
  const re = wildcard ? ATTRIBUTE_KEY_WILDCARD_RE : ATTRIBUTE_KEY_RE
  const seen = new Set<string>()
  for (const attr of attributes) {
    if (!re.test(attr.key)) return 'invalid_key'
    if (seen.has(attr.key)) return 'duplicate_key'
    seen.add(attr.key)
  }
  return undefined
}

/**
 * `Attributes.GetCapabilitiesGroup(prefix)`: `capabilities/<prefix>/<group>/<key>` entries
 * grouped by `<group>` (keys with any other depth are skipped).
 */
export function capabilityGroups(attributes: readonly Attribute[], prefix: string): Attribute[][] {
  const groups = new Map<string, Attribute[]>()
  for (const attr of attributes) {
    if (!attr.key.startsWith(`capabilities/${prefix}`)) continue
    const tokens = attr.key.slice('capabilities/'.length).split('/')
    if (tokens.length !== 3) continue
    const list = groups.get(tokens[1]) ?? []
    list.push({key: tokens[2], value: attr.value})
    groups.set(tokens[1], list)
  }
  return [...groups.values()]
}

/**
 * `Attributes.GetCapabilitiesMap(prefix)`: every `capabilities/<prefix>/a/b[/…]` entry with the
 * `capabilities/<prefix>/` part removed (`capabilities/gpu/vendor/nvidia/model/h100` →
 * `vendor/nvidia/model/h100`).
 */
export function capabilityMap(attributes: readonly Attribute[], prefix: string): Attribute[] {
  const out: Attribute[] = []
  for (const attr of attributes) {
    if (!attr.key.startsWith(`capabilities/${prefix}`)) continue
    const tokens = attr.key.slice('capabilities/'.length).split('/')
    if (tokens.length < 3) continue
    out.push({key: tokens.slice(1).join('/'), value: attr.value})
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Orders vs providers

export interface PlacementRequirements {
  signedBy?: Partial<SignedBy>
  attributes: readonly Attribute[]
}

/** The attributes one auditor signed for the provider (audit.v1 AuditedProvider). */
export interface AuditedAttributes {
  auditor: string
  attributes: readonly Attribute[]
}

/** What a resource unit asks that capabilities must satisfy. */
export interface ResourceNeeds {
  gpu: {units: bigint; attributes: readonly Attribute[]}
  storage: ReadonlyArray<{name?: string; attributes: readonly Attribute[]}>
}

export interface MatchGroup {
  name?: string
  requirements: PlacementRequirements
  resources: readonly ResourceNeeds[]
}

export interface ProviderView {
  /** The provider's own attributes (provider.v1beta4 Provider.attributes). */
  attributes: readonly Attribute[]
  /** Audited attribute sets, one per auditor. */
  audited?: readonly AuditedAttributes[]
}

export type MismatchKind = 'attributes' | 'signed_by' | 'gpu' | 'storage'

export interface Mismatch {
  kind: MismatchKind
  /** A sentence for logs and `edge deploy` ("why no bids"). */
  message: string
  /** Requirements that were not met, when the rule is about attributes. */
  unmet?: Attribute[]
  /** The auditors involved, for signedBy. */
  auditors?: string[]
}

export type MatchResult = {ok: true; mismatches: []} | {ok: false; mismatches: Mismatch[]}

function result(mismatches: Mismatch[]): MatchResult {
  return mismatches.length === 0 ? {ok: true, mismatches: []} : {ok: false, mismatches}
}

const fmtAttrs = (attrs: readonly Attribute[]) => attrs.map((a) => `${a.key}=${a.value}`).join(', ')

/**
 * Placement requirements (attributes and signedBy) as `GroupSpec.MatchRequirements` decides them,
 * with the reasons when they fail.
 */
export function matchPlacement(requirements: PlacementRequirements, provider: ProviderView): MatchResult {
  const allOf = requirements.signedBy?.allOf ?? []
  const anyOf = requirements.signedBy?.anyOf ?? []
  const wanted = requirements.attributes

  if (allOf.length === 0 && anyOf.length === 0) {
    const unmet = unmetAttributes(wanted, provider.attributes)
    if (unmet.length === 0) return result([])
    return result([{kind: 'attributes', unmet, message: `provider does not have ${fmtAttrs(unmet)}`}])
  }

  const audited = provider.audited ?? []
  // Node cannot match signedBy without at least one audit record.
  if (audited.length === 0) {
    return result([{kind: 'signed_by', auditors: [...allOf, ...anyOf], message: 'provider has no audited attributes'}])
  }
  // The last record per auditor wins, as node builds a map keyed by auditor.
  const byAuditor = new Map<string, readonly Attribute[]>()
  for (const rec of audited) byAuditor.set(rec.auditor, rec.attributes)

  for (const auditor of allOf) {
    const signed = byAuditor.get(auditor)
    if (signed === undefined) {
      return result([{kind: 'signed_by', auditors: [auditor], message: `auditor ${auditor} (allOf) has not audited the provider`}])
    }
    const unmet = unmetAttributes(wanted, signed)
    if (unmet.length > 0) {
      return result([
        {kind: 'signed_by', auditors: [auditor], unmet, message: `auditor ${auditor} (allOf) has not signed ${fmtAttrs(unmet)}`},
      ])
    }
  }

  if (anyOf.length > 0) {
    for (const auditor of anyOf) {
      const signed = byAuditor.get(auditor)
      if (signed !== undefined && attributesSubsetOf(wanted, signed)) return result([])
    }
    return result([
      {
        kind: 'signed_by',
        auditors: [...anyOf],
        message: `none of the anyOf auditors (${anyOf.join(', ')}) signed ${wanted.length > 0 ? fmtAttrs(wanted) : 'the provider'}`,
      },
    ])
  }
  return result([])
}

/**
 * GPU and storage capabilities as `GroupSpec.MatchResourcesRequirements` decides them: stops at
 * the first unit that fails, like node, and says why.
 */
export function matchResources(resources: readonly ResourceNeeds[], providerAttributes: readonly Attribute[]): MatchResult {
  const storageGroups = capabilityGroups(providerAttributes, 'storage')
  for (const unit of resources) {
    for (const volume of unit.storage) {
      if (volume.attributes.length === 0) continue
      if (!storageGroups.some((group) => attributesSubsetOf(volume.attributes, group))) {
        const name = volume.name ? `volume "${volume.name}" ` : ''
        return result([
          {
            kind: 'storage',
            unmet: [...volume.attributes],
            message: `storage ${name}needs ${fmtAttrs(volume.attributes)}; provider offers ${describeStorage(storageGroups)}`,
          },
        ])
      }
    }
    if (unit.gpu.units > 0n && unit.gpu.attributes.length > 0) {
      const gpus = capabilityMap(providerAttributes, 'gpu')
      if (!attributesAnyOf(unit.gpu.attributes, gpus)) {
        return result([
          {
            kind: 'gpu',
            unmet: [...unit.gpu.attributes],
            message: `GPU needs one of ${unit.gpu.attributes.map((a) => a.key).join(', ')}; provider offers ${
              gpus.length > 0 ? gpus.map((a) => a.key).join(', ') : 'no GPU capabilities'
            }`,
          },
        ])
      }
    }
  }
  return result([])
}

function describeStorage(groups: Attribute[][]): string {
  if (groups.length === 0) return 'no storage capabilities'
  return groups.map((g) => `{${fmtAttrs(g)}}`).join(', ')
}

/** Every rule the chain applies to a bid, in node's order (placement first, then capabilities). */
export function matchGroup(group: MatchGroup, provider: ProviderView): MatchResult {
  const placement = matchPlacement(group.requirements, provider)
  if (!placement.ok) return placement
  return matchResources(group.resources, provider.attributes)
}

/** The parts of a plain group spec (the Market's `GroupSpec`) that matching reads. */
export interface GroupSpecLike {
  name: string
  requirements: {signedBy: SignedBy; attributes: readonly Attribute[]}
  resources: ReadonlyArray<{gpu: {units: bigint; attributes: readonly Attribute[]}; storage: ReadonlyArray<{name: string; attributes: readonly Attribute[]}>}>
}

/** Adapts a plain group spec (what the Market interface returns) to `MatchGroup`. */
export function matchGroupFromSpec(spec: GroupSpecLike): MatchGroup {
  return {
    name: spec.name,
    requirements: {signedBy: spec.requirements.signedBy, attributes: spec.requirements.attributes},
    resources: spec.resources.map((ru) => ({
      gpu: {units: ru.gpu.units, attributes: ru.gpu.attributes},
      storage: ru.storage.map((s) => ({name: s.name, attributes: s.attributes})),
    })),
  }
}

// ---------------------------------------------------------------------------------------------
// Conventions (for providers that build their attribute list)

/** `capabilities/gpu/vendor/<vendor>/model/<model>[/ram/<ram>][/interface/<iface>]`. */
export function gpuCapabilityKey(gpu: {vendor: string; model: string; ram?: string; interface?: string}): string {
  let key = `capabilities/gpu/vendor/${gpu.vendor}/model/${gpu.model}`
  if (gpu.ram) key += `/ram/${gpu.ram}`
  if (gpu.interface) key += `/interface/${gpu.interface}`
  return key
}

/**
 * Every GPU capability key a provider should advertise for one GPU so that requests with or
 * without `ram` and `interface` match: a requested key only matches an offered key of the same
 * depth (`*` stops at `/`), so the bare model, model+ram, model+interface and model+ram+interface
 * forms are all listed, each with the value "true".
 */
export function gpuCapabilityAttributes(gpu: {vendor: string; model: string; ram?: string; interface?: string}): Attribute[] {
  const forms: Array<{ram?: string; interface?: string}> = [{}]
  if (gpu.ram) forms.push({ram: gpu.ram})
  if (gpu.interface) forms.push({interface: gpu.interface})
  if (gpu.ram && gpu.interface) forms.push({ram: gpu.ram, interface: gpu.interface})
  return forms.map((f) => ({key: gpuCapabilityKey({vendor: gpu.vendor, model: gpu.model, ...f}), value: 'true'}))
}

/** `capabilities/storage/<n>/class` and `…/persistent` for one storage class. */
export function storageCapabilityAttributes(index: number, storageClass: string, persistent: boolean): Attribute[] {
  return [
    {key: `capabilities/storage/${index}/class`, value: storageClass},
    {key: `capabilities/storage/${index}/persistent`, value: persistent ? 'true' : 'false'},
  ]
}
