import type {Hook} from '@oclif/core'

import {detectOutputMode, errorJson} from '../base-command.js'
import {UsageError} from '../errors.js'

/** An unknown command follows the output contract too: exit 2, JSON under --json. */
const hook: Hook.CommandNotFound = async function (options) {
  const argv = options.argv ?? []
  const shown = options.id.replaceAll(':', ' ')
  const error = new UsageError(`"${shown}" is not an edge command.`, {
    code: 'unknown_command',
    hint: 'Run `edge --help` to see the commands.',
  })
  const mode = detectOutputMode(argv, process.env.EDGE_CONTENT_TYPE)
  if (mode === 'json') process.stdout.write(JSON.stringify({ok: false, error: errorJson(error)}) + '\n')
  else if (mode === 'jsonl') process.stdout.write(JSON.stringify({type: 'error', ts: new Date().toISOString(), ok: false, error: errorJson(error)}) + '\n')
  else process.stderr.write(`Error: ${error.message}\nHint: ${error.hint}\n`)
  this.exit(error.exitCode)
}

export default hook
