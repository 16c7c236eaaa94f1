import {UsageError} from '../../errors.js'
import {controlCharacterProblem} from '../../input.js'
import {ATTRIBUTE_KEY_RE} from '../../protocol/matching.js'
import type {ProviderConfig} from '../../provider/config/provider-config.js'

/** The provider fields that `provide init` and `provide start` register on chain. */
export type OnChainFields = Pick<ProviderConfig, 'hostUri' | 'attributes' | 'info'>

/**
 * Why one on-chain provider field cannot be registered, or undefined. A control character (the CR
 * of a pasted answer, ux-test D2) makes an attribute no tenant can ask for: `edge providers
 * --region eu-west` would not find `eu-west\r`. The chain checks attribute keys, not values.
 */
export function onChainFieldProblem(field: string, value: string): string | undefined {
  const problem = controlCharacterProblem(value, field)
  return problem && `${problem}; on chain, no tenant could ask for it`
}

/** Why an attribute key from `--attribute` or provider.yaml is not one the chain takes, or undefined. */
export function attributeKeyProblem(key: string): string | undefined {
  if (ATTRIBUTE_KEY_RE.test(key)) return undefined
  return `The attribute key ${JSON.stringify(key)} is not valid: it starts with a letter and holds 2 to 127 letters, digits, _, -, . or /`
}

/**
 * Refuses to register fields that hold control characters or bad attribute keys, before anything
 * reaches the chain. Callers check flags and prompt answers first, naming the flag; what is left
 * here came from the provider's config file, so the error names it.
 */
export function checkOnChainFields(fields: OnChainFields, configFile: string): void {
  const problems: Array<[string, string | undefined]> = [
    ['hostUri', onChainFieldProblem('The host URI', fields.hostUri)],
    ...Object.entries(fields.attributes).map(
      ([key, value]): [string, string | undefined] => [
        `attributes.${key}`,
        attributeKeyProblem(key) ?? onChainFieldProblem(`The value of attribute ${JSON.stringify(key)}`, value),
      ],
    ),
    ['info.email', fields.info?.email === undefined ? undefined : onChainFieldProblem('The email', fields.info.email)],
    ['info.website', fields.info?.website === undefined ? undefined : onChainFieldProblem('The website', fields.info.website)],
  ]
  const found = problems.find(([, problem]) => problem !== undefined)
  if (!found) return
  const [where, problem] = found
  throw new UsageError(`${problem}.`, {
    code: 'bad_provider_field',
    hint: `Fix ${JSON.stringify(where)} in ${configFile} (printable characters only), or set it again with \`edge provide init\` and its flag.`,
  })
}
