import {cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

import {EDGE_BIN, cleanEnv, makeEdgeHome, runEdge} from '../../helpers/run-edge.js'
import {CORPUS} from '../../helpers/corpus.js'

const VECTOR = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()
const REPO = resolve(import.meta.dirname, '../../..')
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

  it('prints the root help the build rendered: byte for byte what oclif prints, without loading oclif', async () => {
    const home = makeEdgeHome()
    const oclif = await runEdge(['--help'], {home, env: {EDGE_FAST_HELP: '0'}})
    expect(oclif.exitCode).toBe(0)
    expect(oclif.stdout).toContain(`node-${process.version}`)
    for (const args of [['--help'], ['help']]) {
      expect(await runEdge(args, {home})).toMatchObject({exitCode: 0, stdout: oclif.stdout, stderr: ''})
    }
    for (const env of [{FORCE_COLOR: '1'}, {OCLIF_COLUMNS: '120'}] as Array<Record<string, string>>) {
      const styled = await runEdge(['--help'], {home, env})
      expect(styled.exitCode).toBe(0)
      expect(styled.stdout).not.toBe(oclif.stdout)
    }
    home.cleanup()
    expect((await tracedRun(['--help'])).filter((url) => /[\\/]@oclif[\\/]/.test(url))).toEqual([])
  })

  it('leaves the root help to oclif when the commands changed since the build', async () => {
    const {prerenderedHelp} = await import('../../../bin/help.js')
    expect(prerenderedHelp(['--help'], {}, {isTTY: false})).toContain('USAGE')
    expect(prerenderedHelp(['--help'], {}, {isTTY: true})).toBeUndefined()
    expect(prerenderedHelp(['deploy', '--help'], {}, {isTTY: false})).toBeUndefined()
    // A copy of the package whose command manifest differs from the one the help was rendered from.
    const root = mkdtempSync(join(tmpdir(), 'edge-help-'))
    try {
      for (const part of ['bin', 'dist/help.json', 'package.json']) cpSync(join(REPO, part), join(root, part), {recursive: true})
      symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'))
      const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8'))
      writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(manifest))
      const copy = await import(pathToFileURL(join(root, 'bin', 'help.js')).href)
      expect(copy.prerenderedHelp(['--help'], {}, {isTTY: false})).toBeUndefined()
    } finally {
      rmSync(root, {recursive: true, force: true})
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
