import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {BugError, UsageError} from '../../errors.js'
import {formatUsd, perHour, toUsd} from '../../protocol/money.js'
import {loadSdl, requireValid, type Sdl, totalPricePerBlock} from '../../sdl/index.js'
import type {BaseAmountText} from '../../protocol/json-fields.js'

/** The metadata file (`templates/<name>/template.json`) next to each template's deploy.yaml. */
export interface TemplateMeta {
  title: string
  description: string
  /** The service a person would talk to (its URI is the one to open). */
  service: string
  /** GPU need, or null for CPU-only templates. */
  gpu: {units: number; models: string[]; minVramGi?: number} | null
  /** What such a lease usually costs, in USD per hour (a decimal string). */
  typicalUsdPerHour: string
  notes?: string
}

export interface TemplateInfo extends TemplateMeta {
  name: string
  /** Path of the template's deploy.yaml. */
  path: string
  /** The price cap in the SDL: the most the deployment pays per block. */
  maxPricePerBlock: {denom: string; amount: BaseAmountText; scaled: bigint}
  /** That cap per hour in USD at the network's block time, e.g. "$0.36" (absent for denoms without a USD price). */
  maxUsdPerHour?: string
}

/** Templates people look for first; others follow alphabetically. */
const ORDER = ['hello', 'ollama', 'vllm', 'comfyui', 'whisper', 'jupyter', 'batch']

/** `templates/` at the package root, both from src/ (tsx) and dist/. */
export function templatesRoot(): string {
  return fileURLToPath(new URL('../../../templates/', import.meta.url))
}

export interface TemplateOptions {
  root?: string
  /** Block time of the network the prices are shown for. */
  blockTimeMs: number
}

export async function listTemplates(options: TemplateOptions): Promise<TemplateInfo[]> {
  const root = options.root ?? templatesRoot()
  let names: string[]
  try {
    names = (await readdir(root, {withFileTypes: true})).filter((d) => d.isDirectory()).map((d) => d.name)
  } catch (err) {
    throw new BugError(`The templates directory ${root} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`)
  }
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  return Promise.all(names.map(async (name) => (await readTemplate(name, {...options, root})).info))
}

function rank(name: string): number {
  const i = ORDER.indexOf(name)
  return i === -1 ? ORDER.length : i
}

export async function readTemplate(name: string, options: TemplateOptions): Promise<{info: TemplateInfo; text: string; sdl: Sdl}> {
  const root = options.root ?? templatesRoot()
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw unknownTemplate(name, root)
  const dir = join(root, name)
  let text: string
  let metaText: string
  try {
    ;[text, metaText] = await Promise.all([readFile(join(dir, 'deploy.yaml'), 'utf8'), readFile(join(dir, 'template.json'), 'utf8')])
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw await unknownTemplateAsync(name, root)
    throw err
  }
  let meta: TemplateMeta
  try {
    meta = JSON.parse(metaText) as TemplateMeta
  } catch (err) {
    throw new BugError(`The metadata of template "${name}" is not valid JSON (${(err as Error).message}).`)
  }
  const sdl = requireValid(loadSdl(text, {file: join(dir, 'deploy.yaml')}), join(dir, 'deploy.yaml'))
  const price = totalPricePerBlock(sdl)
  const usd = toUsd(perHour(price.scaled, options.blockTimeMs), price.denom)
  return {
    info: {
      name,
      path: join(dir, 'deploy.yaml'),
      ...meta,
      maxPricePerBlock: {denom: price.denom, amount: price.amount, scaled: price.scaled},
      ...(usd === undefined ? {} : {maxUsdPerHour: formatUsd(usd)}),
    },
    text,
    sdl,
  }
}

/** "none" or "1× NVIDIA GPU (rtx4090, a100, …), 16Gi+ VRAM". */
export function describeGpu(gpu: TemplateMeta['gpu']): string {
  if (!gpu) return 'none'
  const models = gpu.models.length > 0 ? ` (${gpu.models.join(', ')})` : ' (any model)'
  return `${gpu.units}× NVIDIA${models}${gpu.minVramGi ? `, ${gpu.minVramGi}Gi+ VRAM` : ''}`
}

function unknownTemplate(name: string, root: string, known?: string[]): UsageError {
  return new UsageError(`There is no template named "${name}".`, {
    code: 'unknown_template',
    hint: known ? `Templates: ${known.join(', ')}. See them with \`edge templates\`.` : `See the templates with \`edge templates\` (in ${root}).`,
  })
}

async function unknownTemplateAsync(name: string, root: string): Promise<UsageError> {
  try {
    const known = (await readdir(root, {withFileTypes: true})).filter((d) => d.isDirectory()).map((d) => d.name)
    known.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    return unknownTemplate(name, root, known)
  } catch {
    return unknownTemplate(name, root)
  }
}
