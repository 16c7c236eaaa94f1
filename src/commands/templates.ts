import {EdgeCommand} from '../base-command.js'
import {resolveNetwork} from '../config/networks.js'
import {openSettings} from '../config/settings.js'
import {renderTable} from '../output/table.js'
import {describeGpu, listTemplates, type TemplateInfo} from '../services/sdl/templates.js'

export default class Templates extends EdgeCommand<typeof Templates, TemplateInfo[]> {
  static summary = 'List the deployment templates `edge init` can write, with their GPU needs and price.'
  static description =
    'TYPICAL is what such a lease usually costs; MAX is the price cap written in the template at this network’s block time (the most you would pay).'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  protected async execute(): Promise<TemplateInfo[]> {
    const network = resolveNetwork(await openSettings(), this.flags.network)
    return listTemplates({blockTimeMs: network.blockTimeMs})
  }

  protected renderText(templates: TemplateInfo[]): string {
    const table = renderTable(templates, [
      {header: 'template', get: (t) => t.name},
      {header: 'description', get: (t) => t.description, fit: 'wrap', minWidth: 16},
      {header: 'gpu', get: (t) => describeGpu(t.gpu), fit: 'wrap'},
      {header: 'typical', get: (t) => `$${t.typicalUsdPerHour}/h`, align: 'right'},
      {header: 'max', get: (t) => (t.maxUsdPerHour ? `${t.maxUsdPerHour}/h` : `${t.maxPricePerBlock.amount} ${t.maxPricePerBlock.denom}/block`), align: 'right'},
    ])
    return `${table}\n\nStart one with \`edge init --template <name>\`.`
  }
}
