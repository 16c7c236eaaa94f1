/**
 * `edge --json ls`, `edge --network local deploy app.yaml`: global flags written before the command.
 * oclif takes the first word for the command, so these are moved to after it (before a `--`, which
 * ends a command's own flags).
 */

/** The global flags (src/flags.ts and --json), and whether each takes a value. */
const GLOBAL_FLAGS: Record<string, boolean> = {
  '--json': false,
  '--network': true,
  '--output': true,
  '--yes': false,
  '-y': false,
  '--verbose': false,
  '--color': false,
  '--no-color': false,
}

export type LeadingFlags =
  | {kind: 'global'; flags: string[]; rest: string[]}
  /** A command's own flag before the command: it cannot be placed without knowing the command's flags. */
  | {kind: 'other'; flag: string; rest: string[]}

/** Splits the global flags off the front of the arguments; undefined when the first is not a flag. */
export function leadingFlags(argv: readonly string[]): LeadingFlags | undefined {
  if (!argv[0]?.startsWith('-') || argv[0] === '--') return undefined
  const flags: string[] = []
  let i = 0
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
    const arg = argv[i]!
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg
    if (!(name in GLOBAL_FLAGS)) return {kind: 'other', flag: name, rest: argv.slice(i + 1)}
    const takesValue = GLOBAL_FLAGS[name] && !arg.includes('=')
    flags.push(...argv.slice(i, i + (takesValue ? 2 : 1)))
    i += takesValue ? 2 : 1
  }
  return {kind: 'global', flags, rest: argv.slice(i)}
}

/** The command id (oclif's, with `:`) the words at the front of `rest` name, and the arguments after it. */
export function commandAt(rest: readonly string[], commandIds: readonly string[]): {id: string; args: string[]} | undefined {
  const ids = new Set(commandIds)
  for (let n = rest.length; n > 0; n--) {
    const words = rest.slice(0, n)
    if (words.some((w) => w.startsWith('-'))) continue
    const id = words.join(':')
    if (ids.has(id)) return {id, args: rest.slice(n)}
  }
  return undefined
}

/** The command's arguments with the global flags added: before a `--`, else at the end. */
export function withFlags(args: readonly string[], flags: readonly string[]): string[] {
  const end = args.indexOf('--')
  return end === -1 ? [...args, ...flags] : [...args.slice(0, end), ...flags, ...args.slice(end)]
}
