import {Flags} from '@oclif/core'

/**
 * Flags every command has (product.md: global flags). `--json` comes from oclif's
 * `enableJsonFlag`; `--output json` means the same.
 */
export const globalFlags = {
  network: Flags.string({
    description: 'Network (context) to use: mainnet, sandbox, testnet, local or a custom one.',
    env: 'EDGE_NETWORK',
    helpGroup: 'GLOBAL',
  }),
  output: Flags.string({
    description: 'Output format: text, json (one envelope) or jsonl (one event per line).',
    options: ['text', 'json', 'jsonl'],
    helpGroup: 'GLOBAL',
  }),
  yes: Flags.boolean({
    char: 'y',
    description: 'Answer yes to confirmations (needed to proceed without a TTY).',
    helpGroup: 'GLOBAL',
  }),
  verbose: Flags.boolean({
    description: 'Print debug details on stderr.',
    helpGroup: 'GLOBAL',
  }),
  color: Flags.boolean({
    allowNo: true,
    description: 'Colour output (NO_COLOR=1 or --no-color turns it off).',
    helpGroup: 'GLOBAL',
  }),
}

/** `--key NAME`: which keystore key signs (EDGE_MNEMONIC overrides the keystore in CI). */
export const keyFlag = Flags.string({
  description: 'Key (wallet) to sign with; defaults to the selected key. EDGE_MNEMONIC overrides it.',
  env: 'EDGE_KEY',
})
