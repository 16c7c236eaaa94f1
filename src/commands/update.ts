import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {dseqArg, durationFlag, keyFlag} from '../flags.js'
import {renderFields} from '../output/table.js'
import {openTenant} from '../services/lease/context.js'
import {type UpdateEvent, type UpdateResult, loadUpdateSdl, updateDeployment} from '../services/lease/update.js'
import {openSession} from '../services/session.js'
import {resolveSdlPath} from './deploy.js'
import {promptPassword} from '../ui/prompts.js'

export default class Update extends EdgeCommand<typeof Update, UpdateResult> {
  static summary = 'Send a new manifest to a running deployment (new image, env, command…) and wait until it runs.'
  static description =
    'Puts the new manifest hash on chain, sends the manifest to the provider and waits, as `edge deploy` does, until the provider runs the new services. A service that exits, crash-loops or whose image cannot be pulled fails the update with exit 7, its exit code and its last log lines; the deployment stays open. Resources, counts, prices and placement are fixed by the order: an SDL that changes them is refused, with the list of changes.'
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 deploy.yaml --json',
    '<%= config.bin %> <%= command.id %> 123 deploy.yaml --no-wait',
  ]
  static handlesSignals = true
  static args = {
    dseq: dseqArg({description: 'Deployment sequence number.', required: true}),
    file: Args.string({description: 'SDL file, or a directory holding deploy.yaml.', default: 'deploy.yaml'}),
  }
  static flags = {
    wait: Flags.boolean({description: 'Wait until the provider runs the new services (--no-wait returns once the manifest is accepted).', default: true, allowNo: true}),
    'ready-timeout': durationFlag({description: 'How long to wait for the new services to start.', default: 5 * 60_000, defaultHelp: async () => '5m'}),
    key: keyFlag,
  }

  protected async execute(): Promise<UpdateResult> {
    const {dseq} = this.args
    const file = resolveSdlPath(this.args.file)
    const readyTimeoutMs = this.flags['ready-timeout']
    // A broken SDL is refused before the key is unlocked.
    const session = await openSession(this.flags.network)
    const sdl = await loadUpdateSdl(file, session.network)
    const ctx = await openTenant({session, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true})
    try {
      const run = (onEvent: (e: UpdateEvent) => void) => updateDeployment(ctx, dseq, file, sdl, {wait: this.flags.wait, readyTimeoutMs, signal: this.signal, onEvent})
      return await this.consumeEmitted(run, {line: servicesLine})
    } finally {
      await ctx.close()
    }
  }

  protected renderText(r: UpdateResult): string {
    const s = this.out.style
    const what = r.changed
      ? `Updated deployment ${r.dseq}: hash ${r.hash.slice(0, 12)}… on chain (block ${r.height})`
      : `Deployment ${r.dseq} already runs this manifest's hash; re-sent it`
    if (r.state === 'sent') return `${what}; manifest sent to ${r.providers.join(', ')} (not waiting for it to run).`
    return [
      `${s.green('✔')} ${what}; the new services run.`,
      renderFields([
        ['services', r.services.map((x) => `${x.name} ${x.ready}/${x.total}`).join(', ')],
        ['uris', r.uris.length ? r.uris.join(' ') : '(none exposed)'],
        ['ready in', r.readyMs !== undefined ? `${(r.readyMs / 1000).toFixed(1)} s` : undefined],
      ]),
    ].join('\n')
  }
}

/** Readiness while waiting (steps and warnings are drawn by the base command). */
function servicesLine(e: UpdateEvent): string | undefined {
  if (e.type !== 'services') return undefined
  return `  ${e.services.map((x) => `${x.name} ${x.ready}/${x.total}`).join(', ') || 'waiting for the provider'}`
}
