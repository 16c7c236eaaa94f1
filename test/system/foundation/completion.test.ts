import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, describe, expect, it} from 'vitest'

import {EDGE_BIN, cleanEnv, makeEdgeHome} from '../../helpers/run-edge.js'

const home = makeEdgeHome()
// oclif keeps the completion functions in edge's cache directory (EDGE_CACHE_DIR here).
const cache = home.env.EDGE_CACHE_DIR
const env = {...cleanEnv(), ...home.env}

afterAll(() => home.cleanup())

/** What bash offers after `edge WORDS… <Tab>`, with the completion edge installs. */
async function bashComplete(words: string[]): Promise<string[]> {
  const script = join(cache, 'autocomplete/functions/bash/edge.bash')
  const line = ['edge', ...words].map((w) => `'${w}'`).join(' ')
  const result = await execa('bash', ['-c', `source '${script}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length}; COMP_LINE="edge ${words.join(' ')}"; _edge_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`], {env, extendEnv: false})
  return result.stdout.split('\n').filter(Boolean)
}

describe('shell completion', () => {
  it('`edge autocomplete` prints setup steps for bash and zsh and builds the completion functions', async () => {
    for (const shell of ['bash', 'zsh']) {
      const result = await execa('node', [EDGE_BIN, 'autocomplete', shell], {env, extendEnv: false, reject: false})
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stdout).toContain(`edge autocomplete script ${shell}`)
    }
    expect(readFileSync(join(cache, 'autocomplete/functions/zsh/_edge'), 'utf8')).toContain('deploy')
  })

  it('bash completes command names and a command\'s flags', async () => {
    expect(await bashComplete(['dep'])).toContain('deploy')
    expect(await bashComplete(['deploy', '--idem'])).toContain('--idempotency-key')
  })
})
