import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {resolveNetwork} from '../../config/networks.js'
import {openSettings} from '../../config/settings.js'
import {ExitCode, UsageError, type EdgeError} from '../../errors.js'
import {formatValidation} from '../../services/sdl/report.js'
import {type SdlValidation, validateSdlFile} from '../../services/sdl/validate.js'

export default class SdlValidate extends EdgeCommand<typeof SdlValidate, SdlValidation> {
  static summary = 'Check an SDL file: schema and semantic errors with file:line, plus lint warnings.'
  static description = `Errors are what Akash would reject; warnings are what will probably cost you (untagged or :latest images, prices in a denom the network no longer takes, services nobody can reach, a GPU without a model). Exit 2 when there are errors (or warnings with --strict).`
  static args = {file: Args.string({description: 'SDL file.', default: 'deploy.yaml'})}
  static flags = {
    strict: Flags.boolean({description: 'Fail on warnings too.'}),
    'go-rules': Flags.boolean({description: "Apply only what Akash's Go parser rejects (the akash CLI, providers); schema-only rules become warnings."}),
  }
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> app.yaml --strict',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  private validation?: SdlValidation
  private blockTimeMs?: number

  protected async execute(): Promise<SdlValidation> {
    const network = resolveNetwork(await openSettings(), this.flags.network)
    this.blockTimeMs = network.blockTimeMs
    const validation = await validateSdlFile(this.args.file, {
      denom: network.depositDenom,
      strict: this.flags.strict,
      rules: this.flags['go-rules'] ? 'go' : 'strict',
    })
    this.validation = validation
    if (!validation.valid) {
      const errors = validation.errors.length
      const warnings = validation.warnings.length
      const fileProblem = validation.errors.find((e) => e.code.startsWith('file-'))
      if (this.out.mode === 'text' && !fileProblem) {
        // The report ends with its own summary line ("invalid (2 errors, 1 warning)") and holds every
        // hint: an "Error:"/"Hint:" pair on stderr would say it all a second time. Exit 2 quietly.
        this.out.result(formatValidation(validation, {style: this.out.style, blockTimeMs: network.blockTimeMs}))
        this.exit(ExitCode.usage)
      }
      throw new UsageError(
        fileProblem
          ? fileProblem.message
          : errors > 0
          ? `${validation.file} is not a valid SDL (${errors} error${errors === 1 ? '' : 's'}).`
          : `${validation.file} has ${warnings} warning${warnings === 1 ? '' : 's'}, and --strict makes warnings fail.`,
        {
          code: errors > 0 ? 'sdl_invalid' : 'sdl_warnings',
          hint: validation.errors[0]?.hint ?? validation.warnings[0]?.hint ?? 'Fix the problems listed above.',
        },
      )
    }
    return validation
  }

  protected renderText(validation: SdlValidation): string {
    return formatValidation(validation, {style: this.out.style, blockTimeMs: this.blockTimeMs})
  }

  /** Invalid SDL is still a validation result: JSON consumers get it next to the error. */
  protected toErrorJson(err: unknown): unknown {
    const base = super.toErrorJson(err) as Record<string, unknown>
    const code = (err as EdgeError).code
    if (this.validation && (code === 'sdl_invalid' || code === 'sdl_warnings')) return {...base, result: this.validation}
    return base
  }
}
