import type {Hook} from '@oclif/core'

import {detectOutputMode, errorJson} from '../base-command.js'
import {UsageError} from '../errors.js'
import {closest} from '../lib/closest.js'

/** An unknown command follows the output contract too: exit 2, JSON under --json; a near miss gets a suggestion. */
const hook: Hook.CommandNotFound = async function (options) {
  const argv = options.argv ?? []
  const shown = options.id.replaceAll(':', ' ')
  const known = [...options.config.commandIDs, ...options.config.topics.map((t) => t.name)].map((id) => id.replaceAll(':', ' '))
  const suggestion = closest(shown, [...new Set(known)])
  const error = new UsageError(`"${shown}" is not an edge command.`, {
    code: 'unknown_command',
    hint: suggestion ? `Did you mean \`edge ${suggestion}\`? Run \`edge --help\` to see the commands.` : 'Run `edge --help` to see the commands.',
  })
  const mode = detectOutputMode(argv, process.env.EDGE_CONTENT_TYPE)
  if (mode === 'json') process.stdout.write(JSON.stringify({ok: false, error: errorJson(error)}) + '\n')
  else if (mode === 'jsonl') process.stdout.write(JSON.stringify({type: 'error', ts: new Date().toISOString(), ok: false, error: errorJson(error)}) + '\n')
  else process.stderr.write(`Error: ${error.message}\nHint: ${error.hint}\n`)
  this.exit(error.exitCode)
}

export default hook
