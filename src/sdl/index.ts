/**
 * edge's own implementation of Akash SDL 2.0 and 2.1.
 *
 * Everything here is pure (no I/O besides `loadSdlFile`) and mirrors Akash's Go parser
 * (chain-sdk go/sdl + go/manifest/v2beta3) plus the JSON schema Akash ships with it, so that the
 * manifest, its hash and the GroupSpecs equal what Akash's own tools produce.
 *
 * ```ts
 * const result = loadSdl(text, {file: 'deploy.yaml'})
 * //   result.ok        true when there are no errors (warnings do not count)
 * //   result.errors    SdlIssue[]: {severity, code, message, hint?, path, file?, line, column, fix?}
 * //   result.warnings  lint findings (untagged images, uakt pricing, missing ports, GPU without model…)
 * //   result.sdl       the parsed SDL when ok
 * if (result.ok) {
 *   renderManifest(result.sdl)      // Manifest: akash.manifest.v2beta3 groups, Go JSON shape
 *   manifestSortedJson(result.sdl)  // string: the exact PUT body a provider receives
 *   manifestVersion(result.sdl)     // {hex, bytes}: SHA-256 of that JSON, for MsgCreateDeployment.hash
 *   groupSpecs(result.sdl)          // GroupSpecProto[]: for chain-sdk's GroupSpec.fromPartial
 *   groupSpecs(result.sdl, {amount: 'wire'}) // same, price amount already scaled by 10^18
 *   groupSpecsJson(result.sdl)      // GroupSpecJson[]: Go's JSON (price "1.000000000000000000")
 *   groupTotals(result.sdl)         // GroupTotals[]: CPU/memory/storage/GPU per group
 *   groupPrices(result.sdl)         // GroupPrice[]: per-block price per group, bigint ×10^18
 *   depositDenom(result.sdl)        // 'uact': the denom every group is priced in
 *   result.sdl.reclamation          // {minWindow: '24h', seconds: 86400} when the SDL sets one
 *   deploymentReclamation(result.sdl) // {minWindow: {seconds: 86400n, nanos: 0}}: MsgCreateDeployment.reclamation
 *   deploymentInput(result.sdl)     // {groups, hash, reclamation?}: the SDL's part of MsgCreateDeployment
 * }
 * const sdl = loadSdlOrThrow(text, {file})  // or a UsageError (exit 2) naming the first problem
 * await loadSdlFile('deploy.yaml', {denom})  // same result; a missing file is an error issue
 * requireValid(result, file)                // SdlLoadResult → Sdl, or that UsageError
 * ```
 *
 * Options: `file` (shown in issues), `denom` (the price denom the network wants, default uact;
 * others are lint warnings), `rules`: `'strict'` (default: Akash's JSON schema and its Go parser,
 * what Console and chain-sdk enforce) or `'go'` (only what the Go parser rejects is an error;
 * schema-only findings become warnings — the akash CLI and providers accept those files). The
 * alpha.45 additions that Akash's released Go parser (go/sdl v0.3.1) does not read yet (interconnect,
 * proxy, duration timeouts, the CPU arch enum) are read as chain-sdk 1.0.0-alpha.45 reads them under
 * both rules: `go` relaxes rules, it does not refuse newer fields.
 *
 * Issue codes are stable; the ones lint emits: image-untagged, image-latest, denom-uakt,
 * denom-mismatch, no-expose, gpu-no-model, gpu-entry-without-model, gpu-model-case,
 * service-not-deployed, profile-unused, placement-unused, expose-random-port, accept-ignored,
 * unknown-expose-target, duplicate-env, env-without-value, include-ignored;
 * and where a field needs a provider capability: needs-tee-provider, needs-interconnect-provider,
 * needs-arch-provider, needs-proxy-provider, needs-reclamation-provider, reclamation-window-range.
 *
 * chain-sdk 1.0.0-alpha.45 additions: `reclamation.min_window` (`sdl.reclamation`,
 * `deploymentReclamation(sdl)`, `deploymentInput(sdl)` for MsgCreateDeployment), `params.tee`
 * (placement requirement `tee/type`, manifest `params.tee`), GPU `interconnect` (GPU attribute
 * `interconnect/group`, manifest `interconnectGroup`), CPU `arch`, `http_options.proxy` and duration
 * timeouts ("30s"). Unset, none of them changes the manifest or its hash.
 *
 * Prices: `PriceDef.amount`, `GroupPrice.perBlock` and `DecCoinForms.scaled` are LegacyDec
 * integers (amount × 10^18), the unit `src/protocol/money.ts` uses for per-block prices; convert to
 * per hour / month / USD there.
 */
import {readFile} from 'node:fs/promises'

import {UsageError} from '../errors.js'
import type {GroupSpec} from '../market/market.js'
import {type BuiltGroup, buildGroups} from './build.js'
import {decodeSdl} from './decode.js'
import {decCoin, toGroupSpec, toGroupSpecJson, toGroupSpecProto} from './groupspec.js'
import {checkInterconnect} from './interconnect.js'
import {IssueSink, sortIssues} from './issues.js'
import {checkGroups, checkManifest} from './limits.js'
import {lintSdl} from './lint.js'
import {manifestToSortedJson, type ManifestVersion, versionOf} from './manifest.js'
import {Reader} from './reader.js'
import {checkReferences} from './semantic.js'
import {SdlSource} from './source.js'
import {groupPrice, groupTotals as totalsOf} from './summary.js'
import type {DecCoinForms, DeploymentReclamationProto, GroupPrice, GroupSpecJson, GroupSpecProto, GroupTotals, Manifest, SdlIssue, SdlModel, SdlReclamation, SdlVersion} from './types.js'

export type * from './types.js'
export type {ManifestVersion} from './manifest.js'
export {parseImageRef} from './lint.js'
export {formatBytes, formatCpu, parseBytes, parseCpuMillis} from './units.js'
export {decHuman, decLegacyString, decWire, parseLegacyDec} from './dec.js'
export {sortedJson} from './manifest.js'

export interface LoadSdlOptions {
  /** Shown in issues (file:line:column). */
  file?: string
  /** The denom the target network wants prices in; anything else is a warning. Default `uact`. */
  denom?: string
  /**
   * `strict` (default): Akash's JSON schema and Go parser both apply, as Console and chain-sdk do.
   * `go`: only what Akash's Go parser (the akash CLI, the provider) rejects is an error; rules
   * that only the schema has become warnings.
   */
  rules?: 'strict' | 'go'
}

/** A valid SDL, ready to render. Treat it as opaque and read it through the functions below. */
export interface Sdl {
  readonly version: SdlVersion
  readonly model: SdlModel
  readonly file?: string
  readonly warnings: readonly SdlIssue[]
  /**
   * `reclamation.min_window` (AEP-82), when the SDL sets it. It goes on chain with the deployment
   * (`MsgCreateDeployment.reclamation`, see `deploymentReclamation`), not into the manifest.
   */
  readonly reclamation?: SdlReclamation
  /** @internal groups as built by the Go-equivalent builder */
  readonly groups: readonly BuiltGroup[]
  /** @internal cached sorted JSON */
  readonly sortedJson: string
}

export interface SdlLoadResult {
  ok: boolean
  sdl?: Sdl
  errors: SdlIssue[]
  warnings: SdlIssue[]
}

/** Parses, validates and lints SDL text. Never throws for bad input: problems come back as issues. */
export function loadSdl(text: string, options: LoadSdlOptions = {}): SdlLoadResult {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text
  const {source, issues: parseIssues} = SdlSource.parse(input, options.file)
  const sink = new IssueSink(source)
  sink.list.push(...parseIssues)
  let model: SdlModel | undefined
  let groups: BuiltGroup[] | undefined
  try {
    if (!parseIssues.some((i) => i.severity === 'error')) {
      model = decodeSdl(new Reader(source, sink, options.rules ?? 'strict'))
      if (model) {
        checkReferences(model, sink, options.rules ?? 'strict')
        checkInterconnect(model, sink)
        if (sink.errorCount === 0) {
          groups = buildGroups(model, sink)
          if (sink.errorCount === 0) {
            checkGroups(model, groups, sink)
            checkManifest(model, groups, sink)
          }
        }
        lintSdl(model, sink, {denom: options.denom})
      }
    }
  } catch (err) {
    // A defect in edge must still read as a located sentence, never as a stack trace.
    sink.error([], 'internal', `edge could not finish reading this SDL (${err instanceof Error ? err.message : String(err)}).`, {
      hint: 'This is a bug in edge; please report it with the SDL file attached.',
    })
  }
  const sorted = sortIssues(sink.list)
  const errors = sorted.filter((i) => i.severity === 'error')
  const warnings = sorted.filter((i) => i.severity === 'warning')
  if (errors.length > 0 || !model || !groups) return {ok: false, errors, warnings}
  const sdl: Sdl = {
    version: model.version,
    model,
    file: options.file,
    warnings,
    ...(model.reclamation ? {reclamation: model.reclamation} : {}),
    groups,
    sortedJson: manifestToSortedJson(groups.map((g) => ({name: g.name, services: g.services}))),
  }
  return {ok: true, sdl, errors, warnings}
}

/** Reads and loads a file; a missing or unreadable file is an error issue, not an exception. */
export async function loadSdlFile(path: string, options: LoadSdlOptions = {}): Promise<SdlLoadResult> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const message =
      code === 'ENOENT'
        ? `The file ${path} does not exist.`
        : code === 'EISDIR'
          ? `${path} is a directory, not an SDL file.`
          : `The file ${path} cannot be read (${code ?? String(err)}).`
    return {
      ok: false,
      errors: [
        {
          severity: 'error',
          code: code === 'ENOENT' ? 'file-not-found' : 'file-unreadable',
          message,
          hint: code === 'ENOENT' ? 'Pass the path of your SDL file, or run `edge init` to write deploy.yaml.' : undefined,
          path: '',
          file: options.file ?? path,
          line: 1,
          column: 1,
        },
      ],
      warnings: [],
    }
  }
  return loadSdl(text, {...options, file: options.file ?? path})
}

/** loadSdl for callers that need a valid SDL: throws a UsageError (exit 2) otherwise. */
export function loadSdlOrThrow(text: string, options: LoadSdlOptions = {}): Sdl {
  return requireValid(loadSdl(text, options), options.file)
}

export function requireValid(result: SdlLoadResult, file?: string): Sdl {
  if (result.ok && result.sdl) return result.sdl
  const first = result.errors[0]
  const name = first?.file ?? file
  const where = first ? (name ? `${name}:${first.line}:${first.column}` : `line ${first.line}, column ${first.column}`) : ''
  const count = result.errors.length
  // A file that cannot be read is not an SDL problem: say only that.
  if (first && (first.code === 'file-not-found' || first.code === 'file-unreadable')) {
    throw new UsageError(first.message, {code: 'sdl_unreadable', ...(first.hint ? {hint: first.hint} : {}), details: {errors: result.errors, warnings: result.warnings}})
  }
  const head = file ? `${file} is not a valid SDL` : 'The SDL is not valid'
  throw new UsageError(`${head}: ${where ? `${where}: ` : ''}${first?.message ?? 'unknown problem'}`, {
    code: 'sdl_invalid',
    hint: count > 1 ? `${first?.hint ? `${first.hint} ` : ''}Run \`edge sdl validate ${file ?? ''}\` to see all ${count} problems.`.trim() : first?.hint,
    details: {errors: result.errors, warnings: result.warnings},
  })
}

/** The manifest (akash.manifest.v2beta3) in Go's JSON shape; a fresh copy each call. */
export function renderManifest(sdl: Sdl): Manifest {
  return structuredClone(sdl.groups.map((g) => ({name: g.name, services: g.services})))
}

/** The exact bytes (as a string) a provider receives in the manifest PUT. */
export function manifestSortedJson(sdl: Sdl): string {
  return sdl.sortedJson
}

/** SHA-256 of the sorted manifest JSON: the deployment's version hash. */
export function manifestVersion(sdl: Sdl): ManifestVersion {
  return versionOf(sdl.sortedJson)
}

/** The on-chain GroupSpecs for MsgCreateDeployment (chain-sdk ts-proto shape). */
export function groupSpecs(sdl: Sdl, options: {amount?: 'human' | 'wire'} = {}): GroupSpecProto[] {
  return sdl.groups.map((g) => toGroupSpecProto(g, options.amount ?? 'human'))
}

/** The GroupSpecs as the Market takes them (plain values: for matching, pricing and the adapter, which encodes them). */
export function plainGroupSpecs(sdl: Sdl): GroupSpec[] {
  return sdl.groups.map(toGroupSpec)
}

/** The GroupSpecs in Go's JSON shape (what `akash tx deployment create` would print). */
export function groupSpecsJson(sdl: Sdl): GroupSpecJson[] {
  return structuredClone(sdl.groups.map(toGroupSpecJson))
}

/** Per-group resource totals (per-replica × count). */
export function groupTotals(sdl: Sdl): GroupTotals[] {
  return sdl.groups.map(totalsOf)
}

/** Per-group maximum price per block (Σ unit price × count), in the group's denom. */
export function groupPrices(sdl: Sdl): GroupPrice[] {
  return sdl.groups.map(groupPrice)
}

/** Sum of all groups' per-block prices, as a DecCoin in every spelling. */
export function totalPricePerBlock(sdl: Sdl): DecCoinForms {
  const prices = groupPrices(sdl)
  return decCoin(depositDenom(sdl), prices.reduce((sum, p) => sum + p.perBlock, 0n))
}

/** The denom the deployment is priced in, which is also the deposit denom (validation makes it unique). */
export function depositDenom(sdl: Sdl): string {
  return sdl.groups[0]?.units[0]?.price.denom ?? 'uact'
}

/** Unit prices of every resource unit, in the three DecCoin spellings. */
export function unitPrices(sdl: Sdl): Array<{group: string; profile: string; services: string[]; count: number; price: DecCoinForms}> {
  return sdl.groups.flatMap((g) =>
    g.units.map((u) => ({group: g.name, profile: u.profile, services: [...u.services], count: u.count, price: decCoin(u.price.denom, u.price.amount)})),
  )
}

/** The reclamation window the SDL asks for, in seconds, if any (SDL `reclamation.min_window`). */
export function reclamationSeconds(sdl: Sdl): number | undefined {
  return sdl.reclamation?.seconds
}

/**
 * `MsgCreateDeployment.reclamation` for this SDL, in chain-sdk's shape (what its `generateManifest`
 * returns as `reclamation`): `{minWindow: {seconds: 86400n, nanos: 0}}` for `min_window: 24h`.
 * Undefined when the SDL sets no reclamation, which is what the message then carries.
 */
export function deploymentReclamation(sdl: Sdl): DeploymentReclamationProto | undefined {
  const reclamation = sdl.reclamation
  if (!reclamation) return undefined
  const whole = Math.floor(reclamation.seconds)
  // Fractions only come from Go-style windows ("1.5s"); the Duration keeps them as nanos.
  return {minWindow: {seconds: BigInt(whole), nanos: Math.round((reclamation.seconds - whole) * 1e9)}}
}

/** What MsgCreateDeployment takes from the SDL: the groups, the manifest version hash and the reclamation. */
export interface DeploymentInput {
  groups: GroupSpecProto[]
  /** SHA-256 of the sorted manifest JSON (32 bytes). */
  hash: Uint8Array
  /** Present only when the SDL sets `reclamation.min_window`. */
  reclamation?: DeploymentReclamationProto
}

/** The SDL's part of MsgCreateDeployment (everything but the id and the deposit). */
export function deploymentInput(sdl: Sdl, options: {amount?: 'human' | 'wire'} = {}): DeploymentInput {
  const reclamation = deploymentReclamation(sdl)
  return {groups: groupSpecs(sdl, options), hash: manifestVersion(sdl).bytes, ...(reclamation ? {reclamation} : {})}
}
