import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {Keystore} from '../../../src/config/keystore.js'
import {generateMnemonic} from '../../../src/config/mnemonic.js'

function setup() {
  const dir = join(mkdtempSync(join(tmpdir(), 'edge-ks-')), 'keys')
  return {dir, keystore: new Keystore(dir), mnemonic: generateMnemonic()}
}

describe('keystore', () => {
  it('stores one 0600 file per key in a 0700 directory, with no word of the mnemonic in it', async () => {
    const {dir, keystore, mnemonic} = setup()
    const record = await keystore.add('alice', mnemonic, 'correct horse')
    const file = join(dir, 'alice.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const text = readFileSync(file, 'utf8')
    // The values only: the format's own field names include a BIP-39 word ("salt"), and the
    // mnemonic is random, so checking the whole text would fail now and then for no fault.
    const values: string[] = []
    const collect = (v: unknown): void => {
      if (typeof v === 'string') values.push(v)
      else if (v && typeof v === 'object') Object.values(v).forEach(collect)
    }
    collect(JSON.parse(text))
    for (const word of new Set(mnemonic.split(' '))) expect(values.join(' ')).not.toMatch(new RegExp(`\\b${word}\\b`))
    expect(text).not.toContain(mnemonic.split(' ').slice(0, 3).join(' '))
    expect(JSON.parse(text).address).toBe(record.address)
    expect(keystore.list().map((k) => k.name)).toEqual(['alice'])
  })

  it('unlocks with the right passphrase and refuses a wrong one', async () => {
    const {keystore, mnemonic} = setup()
    await keystore.add('alice', mnemonic, 'correct horse')
    expect(await keystore.unlock('alice', 'correct horse')).toBe(mnemonic)
    await expect(keystore.unlock('alice', 'wrong')).rejects.toMatchObject({code: 'wrong_passphrase', exitCode: 2})
  })

  it('stretches a passphrase at full cost, and an empty one (nothing to guess) at a low cost', async () => {
    const {dir, keystore, mnemonic} = setup()
    await keystore.add('alice', mnemonic, 'correct horse')
    await keystore.add('dev', generateMnemonic(), '', {dev: true})
    const params = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')).crypto.kdfparams
    expect(params('alice')).toMatchObject({n: 32768, r: 8, p: 1})
    expect(params('dev')).toMatchObject({n: 1024, r: 8, p: 1})
    expect(await keystore.unlock('dev', '')).toMatch(/^(\w+ ){23}\w+$/)
    await expect(keystore.unlock('dev', 'x')).rejects.toMatchObject({code: 'wrong_passphrase'})
  })

  it('never overwrites an existing key', async () => {
    const {dir, keystore, mnemonic} = setup()
    await keystore.add('alice', mnemonic, 'one')
    const before = readFileSync(join(dir, 'alice.json'), 'utf8')
    await expect(keystore.add('alice', generateMnemonic(), 'two')).rejects.toMatchObject({code: 'key_exists'})
    expect(readFileSync(join(dir, 'alice.json'), 'utf8')).toBe(before)
  })

  it('reports a corrupt file as corrupt, not as a wrong passphrase', async () => {
    const {dir, keystore, mnemonic} = setup()
    await keystore.add('alice', mnemonic, 'pw')
    writeFileSync(join(dir, 'alice.json'), '{not json')
    await expect(keystore.unlock('alice', 'pw')).rejects.toMatchObject({code: 'corrupt_keystore'})
    const good = setup()
    await good.keystore.add('bob', good.mnemonic, 'pw')
    const parsed = JSON.parse(readFileSync(join(good.dir, 'bob.json'), 'utf8'))
    delete parsed.crypto.iv
    writeFileSync(join(good.dir, 'bob.json'), JSON.stringify(parsed))
    await expect(good.keystore.unlock('bob', 'pw')).rejects.toMatchObject({code: 'corrupt_keystore'})
  })

  it('detects a tampered address (authenticated encryption)', async () => {
    const {dir, keystore, mnemonic} = setup()
    await keystore.add('alice', mnemonic, 'pw')
    const parsed = JSON.parse(readFileSync(join(dir, 'alice.json'), 'utf8'))
    parsed.address = 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh'
    writeFileSync(join(dir, 'alice.json'), JSON.stringify(parsed))
    await expect(keystore.unlock('alice', 'pw')).rejects.toMatchObject({code: 'wrong_passphrase'})
  })

  it('rejects invalid names and unknown keys with hints', async () => {
    const {keystore, mnemonic} = setup()
    await expect(keystore.add('../evil', mnemonic, 'pw')).rejects.toMatchObject({code: 'invalid_key_name'})
    expect(() => keystore.get('nobody')).toThrow(/No key named "nobody"/)
  })
})
