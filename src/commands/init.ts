import {Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {gpuModelsFlag} from '../flags.js'
import {resolveNetwork} from '../config/networks.js'
import {openSettings} from '../config/settings.js'
import {formatUsd, perHour, toUsd} from '../protocol/money.js'
import {formatIssue} from '../services/sdl/report.js'
import {assertCanWrite, type InitResult, initDeployFile, parsePriceCap} from '../services/sdl/init.js'
import {listTemplates, readTemplate, type TemplateInfo} from '../services/sdl/templates.js'
import {promptSelect, promptText} from '../ui/prompts.js'

const DEFAULT_TEMPLATE = 'hello'

/** Templates whose work tolerates a provider taking the machine back with notice. */
const RECLAIMABLE_TEMPLATES = new Set(['batch', 'jupyter'])

export default class Init extends EdgeCommand<typeof Init, InitResult> {
  static summary = 'Write a deploy.yaml from a template.'
  static description = `In a terminal it asks for the template, the GPU model, the region and a price cap. Without one (CI, --json, no TTY), the flags answer and anything not given keeps the template's default (the hello template if --template is missing). An existing file is never overwritten without --force.`
  static flags = {
    template: Flags.string({char: 't', description: 'Template to start from (see `edge templates`).'}),
    gpu: gpuModelsFlag({description: 'GPU models to accept, comma-separated (e.g. h100,a100), or "any".'}),
    region: Flags.string({description: 'Only providers with this region attribute (e.g. us-west).'}),
    'max-price': Flags.string({description: 'Price cap: per hour or month in USD (1.5usd/h, 30usd/month) or per block (2000uact).'}),
    reclamation: Flags.string({
      description: 'Let providers reclaim the resources with this much notice (SDL reclamation.min_window, e.g. 1h), or "none". Asked for batch and notebook templates.',
    }),
    out: Flags.string({char: 'o', description: 'File to write.', default: 'deploy.yaml'}),
    force: Flags.boolean({char: 'f', description: 'Overwrite the file if it exists.'}),
  }
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --template ollama --gpu rtx4090,a100 --max-price 1usd/h',
    '<%= config.bin %> <%= command.id %> --template hello --out hello.yaml --force --json',
  ]

  private blockTimeMs = 6117

  protected async execute(): Promise<InitResult> {
    const network = resolveNetwork(await openSettings(), this.flags.network)
    this.blockTimeMs = network.blockTimeMs
    const out = this.flags.out
    await assertCanWrite(out, this.flags.force)
    const ask = this.interactive

    const templateName = this.flags.template ?? (ask ? await this.askTemplate() : DEFAULT_TEMPLATE)
    const {info} = await readTemplate(templateName, {blockTimeMs: network.blockTimeMs})

    let gpu = this.flags.gpu?.models
    if (gpu === undefined && ask && info.gpu) gpu = await this.askGpu(info)

    let region = this.flags.region
    if (region === undefined && ask) {
      const answer = await promptText({
        interactive: true,
        replacement: '--region',
        message: 'Region (a provider region attribute such as us-west; empty for any):',
      })
      region = answer.trim() === '' ? undefined : answer.trim()
    }

    let maxPrice = this.flags['max-price']
    if (maxPrice === undefined && ask) {
      const current = info.maxUsdPerHour ? `${info.maxUsdPerHour.replace('$', '')}usd/h` : `${info.maxPricePerBlock.amount}${info.maxPricePerBlock.denom}`
      const answer = await promptText({
        interactive: true,
        replacement: '--max-price',
        message: `Price cap (most you pay; e.g. 1.5usd/h or 2000${info.maxPricePerBlock.denom} per block):`,
        defaultValue: current,
        validate: (v) => {
          try {
            parsePriceCap(v, info.maxPricePerBlock.denom, network.blockTimeMs)
            return undefined
          } catch (err) {
            return (err as Error).message
          }
        },
      })
      maxPrice = answer.trim() === current ? undefined : answer.trim()
    }

    // Work that can stop and resume (a batch job, a notebook) can let providers reclaim with
    // notice (AEP-82), which more providers accept; a service that must stay up should not.
    let reclamation = this.flags.reclamation
    if (reclamation === undefined && ask && RECLAIMABLE_TEMPLATES.has(info.name)) {
      const answer = await promptText({
        interactive: true,
        replacement: '--reclamation',
        message: 'Allow providers to reclaim the resources with notice? The shortest notice you accept (e.g. 1h, 24h; empty for never):',
      })
      reclamation = answer.trim() === '' ? undefined : answer.trim()
    }

    return initDeployFile({
      template: info.name,
      gpu,
      region,
      maxPrice,
      ...(reclamation !== undefined ? {reclamation} : {}),
      out,
      force: this.flags.force,
      blockTimeMs: network.blockTimeMs,
    })
  }

  private async askTemplate(): Promise<string> {
    const templates = await listTemplates({blockTimeMs: this.blockTimeMs})
    return promptSelect<string>({
      interactive: true,
      replacement: '--template',
      message: 'Which template?',
      choices: templates.map((t) => ({
        label: t.name,
        value: t.name,
        hint: `${t.title} · ${t.gpu ? `${t.gpu.units} GPU` : 'CPU only'} · ~$${t.typicalUsdPerHour}/h`,
      })),
      initialIndex: Math.max(0, templates.findIndex((t) => t.name === DEFAULT_TEMPLATE)),
    })
  }

  private async askGpu(info: TemplateInfo): Promise<string[] | 'any' | undefined> {
    const models = info.gpu?.models ?? []
    const choices: Array<{label: string; value: string[] | 'any' | undefined; hint?: string}> = [
      {label: `any of ${models.join(', ')}`, value: undefined, hint: 'the template default'},
      ...models.map((m) => ({label: m, value: [m]})),
      {label: 'any NVIDIA GPU', value: 'any' as const, hint: 'more bids, but you may get a slow card'},
    ]
    return promptSelect<string[] | 'any' | undefined>({interactive: true, replacement: '--gpu', message: 'Which GPU?', choices})
  }

  protected renderText(result: InitResult): string {
    const lines = [`Wrote ${result.file} from the ${result.template} template.`]
    if (result.gpu) lines.push(`  GPU:       ${result.gpu === 'any' ? 'any NVIDIA model' : result.gpu.join(', ')}`)
    if (result.region) lines.push(`  Region:    ${result.region}`)
    if (result.reclamation) lines.push(`  Reclaim:   providers may take the resources back with ${result.reclamation} of notice`)
    const usd = toUsd(perHour(result.maxPricePerBlock.scaled, this.blockTimeMs), result.maxPricePerBlock.denom)
    lines.push(
      `  Price cap: ${result.maxPricePerBlock.amount} ${result.maxPricePerBlock.denom}/block${usd === undefined ? '' : ` (≤ ${formatUsd(usd)}/h)`}`,
    )
    for (const w of result.warnings) lines.push(formatIssue(w, this.out.style))
    lines.push('', `Next: \`edge sdl validate ${result.file}\`, then \`edge deploy ${result.file}\`.`)
    return lines.join('\n')
  }
}
