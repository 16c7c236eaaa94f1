import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {execa, execaSync} from 'execa'
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

/** fish, where installed: the fish test needs it (oclif's plugin has no fish; `edge autocomplete fish` fills in). */
const fish = execaSync('fish', ['--version'], {reject: false}).exitCode === 0

/** What fish offers for `LINE<Tab>`, with the script `edge autocomplete fish` prints. */
async function fishComplete(script: string, line: string): Promise<string[]> {
  const result = await execa('fish', ['--no-config', '-c', `source '${script}'; complete -C '${line}'`], {env, extendEnv: false, cwd: home.root})
  return result.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])
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

  it.skipIf(!fish)('fish completes command names, a topic\'s commands, flags and their values, and SDL files (edge autocomplete fish)', async () => {
    const result = await execa('node', [EDGE_BIN, 'autocomplete', 'fish'], {env, extendEnv: false, reject: false})
    expect(result.exitCode, result.stderr).toBe(0)
    const script = join(home.root, 'edge.fish')
    writeFileSync(script, result.stdout)
    mkdirSync(join(home.root, 'app'), {recursive: true})
    writeFileSync(join(home.root, 'app', 'web.yaml'), '')
    expect(await fishComplete(script, 'edge dep')).toEqual(['deploy', 'deposit'])
    expect(await fishComplete(script, 'edge provide st')).toEqual(['start', 'status'])
    expect(await fishComplete(script, 'edge deploy --idem')).toEqual(['--idempotency-key'])
    expect(await fishComplete(script, 'edge --network local provide init --na')).toEqual(['--name'])
    expect(await fishComplete(script, 'edge deploy --output j')).toEqual(['json', 'jsonl'])
    expect(await fishComplete(script, 'edge deploy app/')).toContain('app/web.yaml')
  })
})
