import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {generateMnemonic} from '../../../src/config/mnemonic.js'
import {type Session, openSession} from '../../../src/services/session.js'
import {resolveSigner} from '../../../src/services/signer.js'

/** A session on `network` with its own config and data dirs; nothing leaves the temp dir. */
async function setup(network = 'local'): Promise<{session: Session; keys: string}> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-signer-'))
  const env = {EDGE_CONFIG_DIR: join(dir, 'config'), EDGE_DATA_DIR: join(dir, 'data')}
  return {session: await openSession(network, env), keys: join(dir, 'data', 'keys')}
}

/** Compares without printing: a failed toBe would show the mnemonic in the test output. */
function same(a: string, b: string): boolean {
  return a === b
}

describe('resolveSigner', () => {
  it('unlocks a key made without a passphrase (the dev key) although EDGE_PASSPHRASE holds another key\'s (D11)', async () => {
    const {session} = await setup()
    const mnemonic = generateMnemonic(24)
    await session.keystore.add('dev', mnemonic, '', {dev: true})
    const signer = await resolveSigner(session, {interactive: false}, {EDGE_PASSPHRASE: 'correct horse 42'})
    expect(signer.keyName).toBe('dev')
    expect(same(signer.mnemonic, mnemonic)).toBe(true)
  })

  it('does so for a key file written before keys recorded whether they have a passphrase, and for a non-dev key made with an empty one', async () => {
    const {session, keys} = await setup('mainnet')
    const legacy = generateMnemonic(24)
    await session.keystore.add('old-dev', legacy, '', {dev: true})
    const file = join(keys, 'old-dev.json')
    const {hasPassphrase, ...before} = JSON.parse(readFileSync(file, 'utf8'))
    expect(hasPassphrase).toBe(false)
    writeFileSync(file, JSON.stringify(before))
    const env = {EDGE_PASSPHRASE: 'meant for another key'}
    expect(same((await resolveSigner(session, {key: 'old-dev', interactive: false}, env)).mnemonic, legacy)).toBe(true)

    const empty = generateMnemonic(24)
    await session.keystore.add('ci', empty, '')
    expect(same((await resolveSigner(session, {key: 'ci', interactive: false}, env)).mnemonic, empty)).toBe(true)
  })

  it('keeps asking EDGE_PASSPHRASE for a key that has one: right, wrong, or missing without a terminal', async () => {
    const {session, keys} = await setup()
    const mnemonic = generateMnemonic(24)
    await session.keystore.add('alice', mnemonic, 'correct horse 42')
    expect(JSON.parse(readFileSync(join(keys, 'alice.json'), 'utf8')).hasPassphrase).toBe(true)
    const right = await resolveSigner(session, {key: 'alice', interactive: false}, {EDGE_PASSPHRASE: 'correct horse 42'})
    expect(same(right.mnemonic, mnemonic)).toBe(true)
    await expect(resolveSigner(session, {key: 'alice', interactive: false}, {EDGE_PASSPHRASE: 'wrong'})).rejects.toMatchObject({code: 'wrong_passphrase', exitCode: 2})
    await expect(resolveSigner(session, {key: 'alice', interactive: false}, {})).rejects.toMatchObject({code: 'prompt_unavailable', exitCode: 2})
  })

  it("asks for the passphrase only through the command's prompt, and refuses without one", async () => {
    const {session} = await setup()
    const mnemonic = generateMnemonic(24)
    await session.keystore.add('carol', mnemonic, 'correct horse 42')
    const asked: string[] = []
    const promptPassword = async (o: {message: string}) => (asked.push(o.message), 'correct horse 42')
    const signer = await resolveSigner(session, {key: 'carol', interactive: true, promptPassword}, {})
    expect(same(signer.mnemonic, mnemonic)).toBe(true)
    expect(asked).toEqual(['Passphrase for key "carol"'])
    await expect(resolveSigner(session, {key: 'carol', interactive: true}, {})).rejects.toMatchObject({code: 'prompt_unavailable', exitCode: 2})
  })

  it('opens a key whose passphrase was stored with the CR of a pasted Enter, with the passphrase as typed (D2)', async () => {
    const {session} = await setup()
    const mnemonic = generateMnemonic(24)
    // What `edge wallet create` stored before prompts submitted on an Enter in the same read.
    await session.keystore.add('bob', mnemonic, 'passphrase1\r')
    for (const typed of ['passphrase1', ' passphrase1 ', 'passphrase1\r']) {
      const signer = await resolveSigner(session, {key: 'bob', interactive: false}, {EDGE_PASSPHRASE: typed})
      expect(same(signer.mnemonic, mnemonic), JSON.stringify(typed)).toBe(true)
    }
    await expect(resolveSigner(session, {key: 'bob', interactive: false}, {EDGE_PASSPHRASE: 'passphrase2'})).rejects.toMatchObject({code: 'wrong_passphrase'})
  })

  it('says how to select a key when keys exist but none is selected', async () => {
    const {session} = await setup('mainnet')
    await expect(resolveSigner(session, {interactive: false}, {})).rejects.toMatchObject({code: 'no_key', hint: expect.stringContaining('edge wallet create')})
    await session.keystore.add('alice', generateMnemonic(24), 'correct horse 42')
    await expect(resolveSigner(session, {interactive: false}, {})).rejects.toMatchObject({code: 'no_key', hint: expect.stringContaining('`edge wallet use alice`')})
  })
})
