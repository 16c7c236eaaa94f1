import {existsSync, mkdtempSync, readFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {Keystore} from '../../../src/config/keystore.js'
import {generateMnemonic} from '../../../src/config/mnemonic.js'
import {CORPUS} from '../../helpers/corpus.js'

const root = join(import.meta.dirname, '../../..')
const VECTOR = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()

function setup(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-wallet-'))
  Object.assign(process.env, {EDGE_CONFIG_DIR: join(dir, 'config'), EDGE_DATA_DIR: join(dir, 'data'), ...env})
  return {dir, keys: join(dir, 'data', 'keys')}
}

afterEach(() => {
  for (const k of ['EDGE_CONFIG_DIR', 'EDGE_DATA_DIR', 'EDGE_PASSPHRASE', 'EDGE_MNEMONIC']) delete process.env[k]
  process.exitCode = undefined
})

describe('edge wallet (in-process)', () => {
  it('creates an encrypted key from EDGE_PASSPHRASE and selects it', async () => {
    const {keys} = setup({EDGE_PASSPHRASE: 'a long passphrase'})
    const {stdout, error} = await runCommand(['wallet', 'create', 'ci', '--json'], {root})
    expect(error).toBeUndefined()
    const {result} = JSON.parse(stdout)
    expect(result).toMatchObject({name: 'ci', selected: true})
    expect(result.address).toMatch(/^akash1[0-9a-z]{38}$/)
    expect(statSync(join(keys, 'ci.json')).mode & 0o777).toBe(0o600)
    expect(stdout).not.toMatch(/mnemonic/i)
  })

  it('refuses to prompt for a passphrase without a TTY and names EDGE_PASSPHRASE (exit 2)', async () => {
    setup()
    const {stdout, error} = await runCommand(['wallet', 'create', '--json'], {root})
    expect(error?.oclif?.exit).toBe(2)
    const envelope = JSON.parse(stdout)
    expect(envelope.error.code).toBe('prompt_unavailable')
    expect(envelope.error.hint).toContain('EDGE_PASSPHRASE')
  })

  it('imports from EDGE_MNEMONIC, never overwrites, and shows the address but not the words', async () => {
    const {keys} = setup({EDGE_PASSPHRASE: 'pw-pw-pw-pw', EDGE_MNEMONIC: VECTOR})
    const first = await runCommand(['wallet', 'import', 'vec', '--json'], {root})
    expect(JSON.parse(first.stdout).result.address).toBe('akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh')
    const before = readFileSync(join(keys, 'vec.json'), 'utf8')
    const again = await runCommand(['wallet', 'import', 'vec', '--json'], {root})
    expect(again.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(again.stdout).error.code).toBe('key_exists')
    expect(readFileSync(join(keys, 'vec.json'), 'utf8')).toBe(before)
    const show = await runCommand(['wallet', 'show', 'vec'], {root})
    for (const output of [first.stdout, show.stdout, show.stderr, before]) {
      for (const word of VECTOR.split(' ')) expect(output).not.toMatch(new RegExp(`\\b${word}\\b`))
    }
  })

  it('rejects an invalid mnemonic with a clear error and writes nothing', async () => {
    const {keys} = setup({EDGE_PASSPHRASE: 'pw', EDGE_MNEMONIC: VECTOR.split(' ').slice(0, 23).join(' ') + ' abandon'})
    const {stdout, error} = await runCommand(['wallet', 'import', 'bad', '--json'], {root})
    expect(error?.oclif?.exit).toBe(2)
    expect(JSON.parse(stdout).error).toMatchObject({code: 'invalid_mnemonic'})
    expect(JSON.parse(stdout).error.message).toMatch(/checksum/)
    expect(() => statSync(join(keys, 'bad.json'))).toThrow()
  })

  it('lists keys and switches the selection', async () => {
    setup({EDGE_PASSPHRASE: 'pw-pw-pw-pw'})
    await runCommand(['wallet', 'create', 'one'], {root})
    await runCommand(['wallet', 'create', 'two'], {root})
    await runCommand(['wallet', 'use', 'two'], {root})
    const {stdout} = await runCommand(['wallet', 'list', '--json'], {root})
    const keys = JSON.parse(stdout).result
    expect(keys.map((k: {name: string}) => k.name)).toEqual(['one', 'two'])
    expect(keys.find((k: {selected: boolean}) => k.selected).name).toBe('two')
  })

  it('fails balance with exit 6 when the network is down, not with a stack trace', async () => {
    setup({EDGE_PASSPHRASE: 'pw-pw-pw-pw'})
    await runCommand(['network', 'add', 'dead', '--chain-id', 'x', '--rpc', 'http://127.0.0.1:9', '--grpc', 'http://127.0.0.1:9', '--rest', 'http://127.0.0.1:9'], {root})
    const {stdout, stderr, error} = await runCommand(['wallet', 'balance', 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh', '--network', 'dead', '--json'], {root})
    expect(error?.oclif?.exit).toBe(6)
    expect(JSON.parse(stdout).error.code).toBe('chain_unreachable')
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})

describe('edge wallet: nothing lost at the first prompts (issue 11)', () => {
  it('refuses to encrypt a new key under an EDGE_PASSPHRASE with a control character or space at an end, without echoing it (D2)', async () => {
    for (const [passphrase, named] of [
      ['passphrase1\r', 'carriage return'],
      ['pass\tphrase1', 'tab'],
      [' passphrase1', 'whitespace'],
    ]) {
      const {keys} = setup({EDGE_PASSPHRASE: passphrase})
      const {stdout, stderr, error} = await runCommand(['wallet', 'create', 'bob', '--json'], {root})
      expect(error?.oclif?.exit, named).toBe(2)
      const {error: e} = JSON.parse(stdout)
      expect(e, named).toMatchObject({code: 'bad_passphrase', message: expect.stringContaining(named), hint: expect.stringContaining('EDGE_PASSPHRASE')})
      expect(stdout + stderr, named).not.toContain('passphrase1')
      expect(existsSync(join(keys, 'bob.json')), named).toBe(false)
    }
  })

  it('keeps the key in use when another is created or imported, and says how to switch (D12)', async () => {
    const {keys} = setup({EDGE_PASSPHRASE: 'pw-pw-pw-pw'})
    // edge dev made its key; on the local network it signs without being selected.
    await new Keystore(keys).add('dev', generateMnemonic(24), '', {dev: true})
    const created = await runCommand(['wallet', 'create', 'alice', '--network', 'local', '--json'], {root})
    expect(JSON.parse(created.stdout).result).toMatchObject({name: 'alice', selected: false, signingKey: 'dev'})
    const text = await runCommand(['wallet', 'create', 'carol', '--network', 'local'], {root})
    expect(text.stdout).toContain('Commands still sign with dev; to sign with carol, run `edge wallet use carol`.')
    process.env.EDGE_MNEMONIC = VECTOR
    const viaImport = await runCommand(['wallet', 'import', 'vec2', '--network', 'local', '--json'], {root})
    delete process.env.EDGE_MNEMONIC
    expect(JSON.parse(viaImport.stdout).result).toMatchObject({name: 'vec2', selected: false, signingKey: 'dev'})
    const list = JSON.parse((await runCommand(['wallet', 'list', '--network', 'local', '--json'], {root})).stdout).result
    expect(list.filter((k: {selected: boolean}) => k.selected).map((k: {name: string}) => k.name)).toEqual(['dev'])

    // After `edge wallet use`, that choice is kept too.
    await runCommand(['wallet', 'use', 'alice'], {root})
    const next = await runCommand(['wallet', 'create', 'dave', '--network', 'local', '--json'], {root})
    expect(JSON.parse(next.stdout).result).toMatchObject({selected: false, signingKey: 'alice'})
  })

  it('selects a new key when none is in use, and says so (D12)', async () => {
    setup({EDGE_PASSPHRASE: 'pw-pw-pw-pw'})
    const {stdout} = await runCommand(['wallet', 'create', 'first', '--network', 'mainnet'], {root})
    expect(stdout).toContain('Selected first: commands sign with it by default.')
    const json = JSON.parse((await runCommand(['wallet', 'show', '--network', 'mainnet', '--json'], {root})).stdout).result
    expect(json).toMatchObject({name: 'first', selected: true, source: 'keystore'})
  })

  it('wallet show honours EDGE_MNEMONIC like every other command, and never shows its words', async () => {
    setup({EDGE_MNEMONIC: VECTOR})
    const json = await runCommand(['wallet', 'show', '--json'], {root})
    expect(json.error).toBeUndefined()
    expect(JSON.parse(json.stdout).result).toEqual({address: 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh', selected: true, source: 'env'})
    const text = await runCommand(['wallet', 'show'], {root})
    expect(text.stdout).toContain('from EDGE_MNEMONIC')
    expect(text.stdout).toContain('akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh')
    for (const output of [json.stdout, text.stdout, text.stderr]) {
      for (const word of VECTOR.split(' ')) expect(output).not.toMatch(new RegExp(`\\b${word}\\b`))
    }
  })
})

describe('edge wallet balance against a live chain (in-process)', () => {
  const address = 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh'

  /** `edge wallet balance` on an edge dev chain whose oracle has `aktPriceUsd` (null: no price yet). */
  async function balanceOn(aktPriceUsd: string | null, ...flags: string[]) {
    const {dir} = setup({EDGE_PASSPHRASE: 'pw-pw-pw-pw', EDGE_MNEMONIC: VECTOR})
    const {startDevnet} = await import('../../../src/devnet/index.js')
    const {defaultOracleGenesis} = await import('../../../src/devnet/modules/oracle/index.js')
    const dev = await startDevnet({
      dataDir: join(dir, 'chain'),
      ports: {rpc: 0, grpc: 0, rest: 0},
      blockTime: 200,
      accounts: [{address, coins: [{denom: 'uakt', amount: '7000001'}, {denom: 'uact', amount: '2500000'}]}],
      genesis: (base) => ({...base, appState: {...base.appState, oracle: defaultOracleGenesis({aktPriceUsd})}}),
    })
    try {
      await runCommand(['network', 'add', 'here', '--chain-id', dev.chainId, '--rpc', dev.endpoints.rpc, '--grpc', dev.endpoints.grpc, '--rest', dev.endpoints.rest], {root})
      return await runCommand(['wallet', 'balance', '--network', 'here', ...flags], {root})
    } finally {
      await dev.stop()
    }
  }

  it('shows AKT and ACT in display units, AKT in USD at the oracle price and ACT at 1 USD', async () => {
    const {stdout, error} = await balanceOn('2', '--json')
    expect(error).toBeUndefined()
    const {result, warnings} = JSON.parse(stdout)
    expect(result.address).toBe(address)
    expect(result.balances).toEqual([
      {denom: 'uakt', symbol: 'AKT', amount: '7000001', display: '7.000001 AKT', usd: '$14.00'},
      {denom: 'uact', symbol: 'ACT', amount: '2500000', display: '2.5 ACT', usd: '$2.50'},
    ])
    expect(warnings).toEqual([])
  })

  it('writes USD as every command does: "$", thousands grouped (D39)', async () => {
    const {stdout, error} = await balanceOn('20000')
    expect(error).toBeUndefined()
    expect(stdout).toMatch(/AKT\s+7\.000001\s+\$140,000\.02\s+uakt/)
    expect(stdout).not.toContain('$$')
  })

  it('says so when the chain has no AKT price: null in JSON, a warning, "?" in the table', async () => {
    const json = await balanceOn(null, '--json')
    expect(json.error).toBeUndefined()
    const {result, warnings} = JSON.parse(json.stdout)
    expect(result.balances[0]).toEqual({denom: 'uakt', symbol: 'AKT', amount: '7000001', display: '7.000001 AKT', usd: null})
    expect(result.balances[1].usd).toBe('$2.50')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^No AKT→USD price, so USD figures .*: the chain's oracle gave no AKT price: .*collections: not found: key 'akt\/usd'/)
    const text = await balanceOn(null)
    expect(text.stderr).toMatch(/Warning: No AKT→USD price/)
    expect(text.stdout).toMatch(/AKT\s+7\.000001\s+\?\s+uakt/)
  })
})
