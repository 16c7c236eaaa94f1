import {EdgeCommand} from '../../base-command.js'
import {fishCompletion} from '../../services/completion/fish.js'

export interface FishCompletionResult {
  shell: 'fish'
  /** Where fish looks for it. */
  path: string
  /** The completion script. */
  script: string
}

export default class AutocompleteFish extends EdgeCommand<typeof AutocompleteFish, FishCompletionResult> {
  static summary = 'Print the fish completion script (bash, zsh and PowerShell: `edge autocomplete SHELL`).'
  static description =
    'Completes commands, topics, flags and their fixed values, made from the installed command list. Install it with `edge autocomplete fish > ~/.config/fish/completions/edge.fish`; run it again after an upgrade that adds commands or flags.'
  static examples = ['<%= config.bin %> <%= command.id %> > ~/.config/fish/completions/<%= config.bin %>.fish']

  protected async execute(): Promise<FishCompletionResult> {
    const bin = this.config.bin
    return {shell: 'fish', path: `~/.config/fish/completions/${bin}.fish`, script: fishCompletion(bin, this.config.commands, this.config.topics)}
  }

  protected renderText(r: FishCompletionResult): string {
    return r.script.trimEnd()
  }
}
