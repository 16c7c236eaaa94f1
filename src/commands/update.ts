import {Args} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {keyFlag} from '../flags.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {type UpdateResult, loadUpdateSdl, updateDeployment} from '../services/lease/update.js'
import {openSession} from '../services/session.js'
import {resolveSdlPath} from './deploy.js'

export default class Update extends EdgeCommand<typeof Update, UpdateResult> {
  static summary = 'Send a new manifest to a running deployment (new image, env, command…).'
  static description =
    'Puts the new manifest hash on chain and sends the manifest to the provider. Resources, counts, prices and placement are fixed by the order: an SDL that changes them is refused, with the list of changes.'
  static examples = ['<%= config.bin %> <%= command.id %> 123', '<%= config.bin %> <%= command.id %> 123 deploy.yaml --json']
  static args = {
    dseq: Args.string({description: 'Deployment sequence number.', required: true}),
    file: Args.string({description: 'SDL file, or a directory holding deploy.yaml.', default: 'deploy.yaml'}),
  }
  static flags = {key: keyFlag}

  protected async execute(): Promise<UpdateResult> {
    const dseq = parseDseq(this.args.dseq)
    const file = resolveSdlPath(this.args.file)
    // A broken SDL is refused before the key is unlocked.
    const session = await openSession(this.flags.network)
    const sdl = await loadUpdateSdl(file, session.network)
    const ctx = await openTenant({session, key: this.flags.key, interactive: this.interactive, sign: true})
    try {
      return await updateDeployment(ctx, dseq, file, sdl)
    } finally {
      await ctx.close()
    }
  }

  protected renderText(r: UpdateResult): string {
    return r.changed
      ? `Updated deployment ${r.dseq}: hash ${r.hash.slice(0, 12)}… on chain (block ${r.height}); manifest sent to ${r.providers.join(', ')}.`
      : `Deployment ${r.dseq} already runs this manifest; re-sent it to ${r.providers.join(', ')}.`
  }
}
