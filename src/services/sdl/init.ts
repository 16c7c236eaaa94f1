import {mkdir, stat, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {isMap, parseDocument, type Document, type YAMLMap} from 'yaml'

import {UsageError} from '../../errors.js'
import {DEC_SCALE, formatUsd, MICRO, parseCoin, parseUsdRate, perBlockFromPerHour, perHour, toUsd} from '../../protocol/money.js'
import {decHuman, loadSdl, requireValid, type SdlIssue, totalPricePerBlock} from '../../sdl/index.js'
import {readTemplate} from './templates.js'
import type {BaseAmountText} from '../../protocol/json-fields.js'

export interface InitOptions {
  template: string
  /** GPU models to accept (e.g. ["h100", "a100"]), or "any"; absent keeps the template's list. */
  gpu?: string[] | 'any'
  /** Provider `region` attribute to require. */
  region?: string
  /** Price cap: "1.5usd/h", "30usd/month", "$1/h", or a per-block amount such as "2000uact". */
  maxPrice?: string
  /**
   * `reclamation.min_window` (AEP-82): the notice the tenant accepts before a provider reclaims
   * its resources ("1h", "24h"); "none" or absent adds nothing.
   */
  reclamation?: string
  /** File to write. */
  out: string
  /** Overwrite an existing file. */
  force?: boolean
  /** Block time of the target network, to turn USD per hour into a per-block price. */
  blockTimeMs: number
  /** Templates directory (tests). */
  root?: string
}

export interface InitResult {
  file: string
  template: string
  /** The service to open, from the template's metadata. */
  service: string
  gpu: string[] | 'any' | null
  region: string | null
  maxPricePerBlock: {denom: string; amount: BaseAmountText; scaled: bigint}
  maxUsdPerHour?: string
  /** The SDL's `reclamation.min_window`, when set. */
  reclamation?: string
  /** Lint findings on the written file (e.g. a GPU wildcard). */
  warnings: SdlIssue[]
}

/** Refuses early (before any question is asked) to overwrite a file without --force. */
export async function assertCanWrite(out: string, force = false): Promise<void> {
  if (force) return
  try {
    await stat(out)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  throw fileExists(out)
}

function fileExists(out: string): UsageError {
  return new UsageError(`${out} already exists; edge init does not overwrite it.`, {
    code: 'file_exists',
    hint: `Pass --force to replace it, or --out <other file> to write elsewhere.`,
  })
}

/** Parses a GPU answer: "h100", "h100,a100", "any". */
export function parseGpuModels(input: string): string[] | 'any' {
  const value = input.trim().toLowerCase()
  if (value === 'any' || value === '*') return 'any'
  const models = value
    .split(/[\s,]+/)
    .map((m) => m.trim())
    .filter(Boolean)
  const bad = models.find((m) => !/^[a-z0-9][a-z0-9._-]*$/.test(m))
  if (models.length === 0 || bad !== undefined) {
    throw new UsageError(`"${input}" is not a GPU model list.`, {
      code: 'bad_gpu',
      hint: 'Name NVIDIA models as providers advertise them, comma-separated: --gpu rtx4090,a100 (or --gpu any).',
    })
  }
  return [...new Set(models)]
}

/**
 * A price cap as a per-block amount of `denom`, × 10^18. USD rates need a USD-pegged denom
 * (uact: 1 ACT ≈ 1 USD).
 */
export function parsePriceCap(input: string, denom: string, blockTimeMs: number): bigint {
  const text = input.trim()
  if (/\/\s*(h|hr|hour|mo|month)$/i.test(text)) {
    const usdPerHour = parseUsdRate(text)
    const usdPerBase = toUsd(DEC_SCALE, denom)
    if (usdPerBase === undefined || denom !== 'uact') {
      throw new UsageError(`A price in USD needs a template priced in uact, not ${denom}.`, {hint: `Give the cap per block instead, e.g. --max-price 1000${denom}.`})
    }
    // uact is 10^-6 ACT and 1 ACT ≈ 1 USD: USD per hour × 10^6 = uact per hour.
    const perBlock = perBlockFromPerHour(usdPerHour * MICRO, blockTimeMs)
    if (perBlock <= 0n) throw new UsageError(`${input} is too small to pay for a single block.`, {hint: 'Raise the cap.'})
    return perBlock
  }
  const coin = parseCoin(text)
  if (coin.denom !== denom) {
    throw new UsageError(`The cap ${input} is in ${coin.denom}, but the template is priced in ${denom}.`, {
      hint: `Give the cap in ${denom} per block, or in USD per hour (e.g. 1.5usd/h).`,
    })
  }
  if (coin.amount <= 0n) throw new UsageError('The price cap must be more than 0.')
  return coin.amount * DEC_SCALE
}

/** Writes deploy.yaml from a template with the answers applied; the result is validated first. */
export async function initDeployFile(options: InitOptions): Promise<InitResult> {
  const {info, text, sdl} = await readTemplate(options.template, {root: options.root, blockTimeMs: options.blockTimeMs})
  if (options.gpu && !info.gpu) {
    throw new UsageError(`The ${info.name} template runs on CPU only, so --gpu does not apply.`, {
      code: 'template_has_no_gpu',
      hint: 'GPU templates: see the GPU column of `edge templates`.',
    })
  }
  const doc = parseDocument(text)

  if (options.gpu) {
    for (const [name, profile] of Object.entries(sdl.model.compute)) {
      if (!profile.gpu) continue
      const path = ['profiles', 'compute', name, 'resources', 'gpu', 'attributes', 'vendor', 'nvidia']
      doc.setIn(path, options.gpu === 'any' ? null : doc.createNode(options.gpu.map((model) => ({model}))))
    }
  }

  const region = options.region?.trim()
  if (options.region !== undefined) {
    if (!region || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(region)) {
      throw new UsageError(`"${options.region}" is not a region name.`, {code: 'bad_region', hint: 'Use the name providers advertise, e.g. us-west or eu-central.'})
    }
    for (const name of Object.keys(sdl.model.placement)) setRegion(doc, name, region)
  }

  if (options.maxPrice !== undefined) {
    const denom = totalPricePerBlock(sdl).denom
    const cap = parsePriceCap(options.maxPrice, denom, options.blockTimeMs)
    setPriceCap(doc, sdl.groups, cap)
  }

  const reclamation = options.reclamation?.trim()
  const withReclamation = reclamation !== undefined && reclamation !== '' && reclamation !== 'none'
  if (withReclamation) doc.setIn(['reclamation', 'min_window'], reclamation)

  // Untouched templates are copied byte for byte; edited ones keep comments, and long lines stay whole.
  const changed = options.gpu !== undefined || options.region !== undefined || options.maxPrice !== undefined || withReclamation
  const output = changed ? doc.toString({lineWidth: 0}) : text
  const result = loadSdl(output, {file: options.out})
  // A bad --reclamation is the flag's fault, not the file's (which is not written): say so in its terms.
  const badWindow = withReclamation ? result.errors.find((i) => i.path.startsWith('reclamation')) : undefined
  if (badWindow) {
    throw new UsageError(`--reclamation "${reclamation}" is not a notice edge can use: ${badWindow.message}`, {
      code: 'bad_reclamation',
      hint: `${badWindow.hint ?? 'Give a duration such as 1h or 24h.'} Or "none" to not allow reclamation. Nothing was written.`,
    })
  }
  const written = requireValid(result, options.out)
  const price = totalPricePerBlock(written)
  const usd = toUsd(perHour(price.scaled, options.blockTimeMs), price.denom)

  await mkdir(dirname(options.out), {recursive: true})
  try {
    await writeFile(options.out, output, {flag: options.force ? 'w' : 'wx'})
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw fileExists(options.out)
    throw err
  }

  return {
    file: options.out,
    template: info.name,
    service: info.service,
    gpu: info.gpu ? (options.gpu ?? info.gpu.models) : null,
    region: region ?? null,
    maxPricePerBlock: {denom: price.denom, amount: price.amount, scaled: price.scaled},
    ...(usd === undefined ? {} : {maxUsdPerHour: formatUsd(usd)}),
    ...(written.reclamation ? {reclamation: written.reclamation.minWindow} : {}),
    warnings: result.warnings,
  }
}

function setRegion(doc: Document, placement: string, region: string): void {
  const node = doc.getIn(['profiles', 'placement', placement], true)
  if (!isMap(node)) return
  const map = node as YAMLMap
  const attributes = map.get('attributes', true)
  if (isMap(attributes)) {
    ;(attributes as YAMLMap).set('region', region)
    return
  }
  // Attributes read best before pricing, as Akash's examples write them.
  map.items.unshift(doc.createPair('attributes', {region}))
}

/**
 * Spreads a per-block cap over the deployment's resource units: every unit gets the same price,
 * so Σ price × count stays within the cap. Whole base units when the cap allows it.
 */
function setPriceCap(doc: Document, groups: ReadonlyArray<{name: string; units: ReadonlyArray<{profile: string; count: number}>}>, cap: bigint): void {
  const replicas = groups.reduce((sum, g) => sum + g.units.reduce((s, u) => s + u.count, 0), 0)
  let each = cap / BigInt(Math.max(1, replicas))
  if (each >= DEC_SCALE) each -= each % DEC_SCALE
  if (each <= 0n) throw new UsageError('The price cap is too small to share among the deployment’s instances.', {hint: 'Raise the cap.'})
  const human = decHuman(each)
  const value = /^\d+$/.test(human) && human.length < 16 ? Number(human) : human
  for (const g of groups) {
    for (const u of g.units) doc.setIn(['profiles', 'placement', g.name, 'pricing', u.profile, 'amount'], value)
  }
}
