import {readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {EDGE_BIN, cleanEnv, makeEdgeHome, runEdge} from '../../helpers/run-edge.js'
import {CORPUS} from '../../helpers/corpus.js'

const VECTOR = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()
const HEAVY = /@akashnetwork[\\/]chain-sdk|@cosmjs[\\/]|[\\/]node_modules[\\/]react[\\/]|[\\/]node_modules[\\/]ink[\\/]/

async function tracedRun(args: string[]): Promise<string[]> {
  const home = makeEdgeHome()
  const trace = join(home.root, 'imports.txt')
  const result = await execa('node', ['--import', resolve(import.meta.dirname, '../../helpers/trace-imports.mjs'), EDGE_BIN, ...args], {
    env: {...cleanEnv(), ...home.env, EDGE_TRACE_IMPORTS: trace},
    extendEnv: false,
    reject: false,
  })
  expect(result.exitCode).toBe(0)
  const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean)
  home.cleanup()
  return loaded
}

describe('the edge binary', () => {
  it('prints its version', async () => {
    const home = makeEdgeHome()
    const result = await runEdge(['--version'], {home})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^edge-cli\/\d+\.\d+\.\d+ \S+ node-v\d+/)
  })

  it('answers --version and --help without loading chain-sdk, cosmjs, React or Ink', async () => {
    for (const args of [['--version'], ['--help'], ['wallet', '--help'], ['network', 'list', '--help']]) {
      const loaded = await tracedRun(args)
      expect(loaded.length).toBeGreaterThan(0)
      expect(loaded.filter((url) => HEAVY.test(url))).toEqual([])
    }
  })

  it('exits 2 on a bad flag, with and without --json, and never dumps its config or home path', async () => {
    const home = makeEdgeHome()
    const json = await runEdge(['network', 'list', '--json', '--bogus'], {home})
    expect(json.exitCode).toBe(2)
    expect(json.json).toEqual({
      ok: false,
      error: {code: 'bad_flags', message: 'Nonexistent flag: --bogus', hint: expect.any(String), exitCode: 2},
    })
    expect(json.stdout + json.stderr).not.toContain(homedir())
    expect(json.stdout).not.toMatch(/pjson|"root"/)
    const text = await runEdge(['network', 'list', '--bogus'], {home})
    expect(text.exitCode).toBe(2)
    expect(text.stderr).toContain('Nonexistent flag: --bogus')
    const unknown = await runEdge(['frobnicate', '--json'], {home})
    expect(unknown.exitCode).toBe(2)
    expect(unknown.json.error.code).toBe('unknown_command')
  })

  it('refuses to prompt without a TTY and names the variable that replaces the prompt', async () => {
    const home = makeEdgeHome()
    const result = await runEdge(['wallet', 'create'], {home})
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('not interactive')
    expect(result.stderr).toContain('EDGE_PASSPHRASE')
  })

  it('writes an encrypted 0600 keystore file that holds no word of the mnemonic', async () => {
    const home = makeEdgeHome()
    const result = await runEdge(['wallet', 'import', 'vec', '--json'], {home, input: VECTOR, env: {EDGE_PASSPHRASE: 'a passphrase'}})
    expect(result.exitCode).toBe(0)
    expect(result.json.result.address).toBe('akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh')
    const file = join(home.env.EDGE_DATA_DIR, 'keys', 'vec.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    for (const word of VECTOR.split(' ')) {
      expect(text).not.toMatch(new RegExp(`\\b${word}\\b`))
      expect(result.stdout + result.stderr).not.toMatch(new RegExp(`\\b${word}\\b`))
    }
    expect(JSON.parse(text).crypto).toMatchObject({kdf: 'scrypt', cipher: 'aes-256-gcm'})
  })

  it('streams errors as a JSONL event with --output jsonl', async () => {
    const home = makeEdgeHome()
    await runEdge(['network', 'add', 'dead', '--chain-id', 'x', '--rpc', 'http://127.0.0.1:9', '--grpc', 'http://127.0.0.1:9', '--rest', 'http://127.0.0.1:9'], {home})
    const result = await runEdge(['wallet', 'balance', 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh', '--network', 'dead', '--output', 'jsonl'], {home})
    expect(result.exitCode).toBe(6)
    const event = JSON.parse(result.stdout.trim().split('\n').pop()!)
    expect(event).toMatchObject({type: 'error', ok: false, error: {code: 'chain_unreachable', exitCode: 6}})
    expect(event.error.message).toContain('http://127.0.0.1:9')
  })
})
