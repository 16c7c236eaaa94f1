import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {resolveNetwork} from '../../config/networks.js'
import {openSettings} from '../../config/settings.js'
import {RENDER_KINDS, type RenderKind, type SdlRender as Rendered, renderSdlFile} from '../../services/sdl/render.js'

export default class SdlRender extends EdgeCommand<typeof SdlRender, Rendered> {
  static summary = 'Show what the chain and the provider will receive for an SDL file.'
  static description = `--as manifest: the manifest the provider receives (akash.manifest.v2beta3).
--as groups: the GroupSpecs of MsgCreateDeployment (akash.deployment.v1beta4), with its reclamation when the SDL sets reclamation.min_window.
--as hash: the manifest version hash (SHA-256 of the sorted manifest JSON) that goes on chain.
--as body: the exact bytes of the manifest upload (sorted JSON).
Registry passwords are shown as *** unless --show-secrets.`
  static args = {file: Args.string({description: 'SDL file.', default: 'deploy.yaml'})}
  static flags = {
    as: Flags.string({description: 'What to render.', options: [...RENDER_KINDS], default: 'manifest'}),
    'show-secrets': Flags.boolean({description: 'Print registry passwords instead of ***.'}),
  }
  static examples = [
    '<%= config.bin %> <%= command.id %> --as hash',
    '<%= config.bin %> <%= command.id %> app.yaml --as groups --json',
  ]

  protected async execute(): Promise<Rendered> {
    const network = resolveNetwork(await openSettings(), this.flags.network)
    const render = await renderSdlFile(this.args.file, this.flags.as as RenderKind, {
      showSecrets: this.flags['show-secrets'],
      denom: network.depositDenom,
    })
    if (render.masked) this.out.warn('Registry passwords are shown as ***; pass --show-secrets to see them (the hash is over the real values).')
    return render
  }

  protected renderText(render: Rendered): string {
    switch (render.as) {
      case 'hash':
        return render.hash
      case 'body':
        return render.body ?? ''
      case 'groups':
        // The groups alone, as before; with a reclamation window both halves of the message.
        return JSON.stringify(render.reclamation ? {groups: render.groups, reclamation: render.reclamation} : render.groups, null, 2)
      default:
        return JSON.stringify(render.manifest, null, 2)
    }
  }
}
