import type {Hook} from '@oclif/core'

import {detectOutputMode, errorJson} from '../base-command.js'
import {UsageError} from '../errors.js'
import {closest} from '../lib/closest.js'
import {commandAt, leadingFlags, withFlags} from './leading-flags.js'

/** An unknown command follows the output contract too: exit 2, JSON under --json; a near miss gets a suggestion. */
const hook: Hook.CommandNotFound = async function (options) {
  // The whole command line: a flag written first arrives as the "command" id.
  const argv = [options.id, ...(options.argv ?? [])]
  let id = options.id
  const leading = leadingFlags(argv)
  if (leading?.kind === 'global') {
    // `edge --json ls`: run the command with its global flags where oclif reads them.
    const found = commandAt(leading.rest, options.config.commandIDs)
    if (found) return options.config.runCommand(found.id, withFlags(found.args, leading.flags))
    if (leading.rest[0] === undefined || leading.rest[0].startsWith('-')) return fail(this, argv, misplacedFlag(leading.flags[0]!, leading.rest, options.config.commandIDs))
    id = leading.rest[0]
  } else if (leading) {
    return fail(this, argv, misplacedFlag(leading.flag, leading.rest, options.config.commandIDs))
  }
  const shown = id.replaceAll(':', ' ')
  const known = [...options.config.commandIDs, ...options.config.topics.map((t) => t.name)].map((id) => id.replaceAll(':', ' '))
  const suggestion = closest(shown, [...new Set(known)])
  const error = new UsageError(`"${shown}" is not an edge command.`, {
    code: 'unknown_command',
    hint: suggestion ? `Did you mean \`edge ${suggestion}\`? Run \`edge --help\` to see the commands.` : 'Run `edge --help` to see the commands.',
  })
  return fail(this, argv, error)
}

/** A flag before the command that cannot be moved after it: say where flags go. */
function misplacedFlag(flag: string, rest: readonly string[], commandIds: readonly string[]): UsageError {
  // `--select x deploy`: what stands between the flag and the command is the flag's value.
  for (let k = 0; k < rest.length; k++) {
    const found = commandAt(rest.slice(k), commandIds)
    if (!found) continue
    const example = ['edge', found.id.replaceAll(':', ' '), ...found.args, flag, ...rest.slice(0, k)].join(' ')
    return new UsageError(`"${flag}" goes after the command.`, {code: 'unknown_command', hint: `Write flags after the command: \`${example}\`.`})
  }
  return new UsageError(`"${flag}" needs a command.`, {
    code: 'unknown_command',
    hint: `Write flags after the command: \`edge COMMAND ${flag} …\`. Run \`edge --help\` to see the commands.`,
  })
}

/** Prints the error in the output contract and exits 2. */
function fail(context: Hook.Context, argv: readonly string[], error: UsageError): void {
  const mode = detectOutputMode(argv, process.env.EDGE_CONTENT_TYPE)
  if (mode === 'json') process.stdout.write(JSON.stringify({ok: false, error: errorJson(error)}) + '\n')
  else if (mode === 'jsonl') process.stdout.write(JSON.stringify({type: 'error', ts: new Date().toISOString(), ok: false, error: errorJson(error)}) + '\n')
  else process.stderr.write(`Error: ${error.message}\nHint: ${error.hint}\n`)
  context.exit(error.exitCode)
}

export default hook
