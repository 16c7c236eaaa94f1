import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {openSettings} from '../../../src/config/settings.js'

let dir: string
let env: NodeJS.ProcessEnv

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-settings-'))
  env = {EDGE_CONFIG_DIR: join(dir, 'config')}
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('settings (config.json in the config dir)', () => {
  it('reads nothing from a missing file, and creates neither the file nor its directory', async () => {
    const settings = await openSettings(env)
    expect(settings.path).toBe(join(dir, 'config', 'config.json'))
    expect(settings.get('network')).toBeUndefined()
    expect(readdirSync(dir)).toEqual([])
  })

  it('writes tab-indented JSON that the next run reads, and leaves no temporary file', async () => {
    const settings = await openSettings(env)
    settings.set('network', 'sandbox')
    settings.set('networks', {mine: {chainId: 'x'} as never})
    expect(settings.get('network')).toBe('sandbox')
    expect(readFileSync(settings.path, 'utf8')).toBe('{\n\t"network": "sandbox",\n\t"networks": {\n\t\t"mine": {\n\t\t\t"chainId": "x"\n\t\t}\n\t}\n}')
    expect(readdirSync(join(dir, 'config'))).toEqual(['config.json'])
    expect((await openSettings(env)).get('networks')).toEqual({mine: {chainId: 'x'}})
  })

  it('deletes a key, also when it is set to undefined', async () => {
    const settings = await openSettings(env)
    settings.set('network', 'sandbox')
    settings.set('key', 'dev')
    settings.delete('network')
    settings.set('key', undefined)
    expect(JSON.parse(readFileSync(settings.path, 'utf8'))).toEqual({})
  })

  it("keeps what another process wrote since it was opened (and keys it does not know)", async () => {
    const settings = await openSettings(env)
    settings.set('key', 'dev')
    writeFileSync(settings.path, JSON.stringify({key: 'dev', network: 'testnet', other: 1}))
    settings.set('key', 'ci')
    expect(JSON.parse(readFileSync(settings.path, 'utf8'))).toEqual({key: 'ci', network: 'testnet', other: 1})
    expect(settings.get('network')).toBe('testnet')
  })

  it('reads a file saved with a byte order mark; names a file that is not JSON without quoting it', async () => {
    const path = join(dir, 'config', 'config.json')
    ;(await openSettings(env)).set('key', 'dev')
    writeFileSync(path, '\uFEFF{"key": "bom"}')
    expect((await openSettings(env)).get('key')).toBe('bom')
    writeFileSync(path, '{"key": "secret-ish", ')
    await expect(openSettings(env)).rejects.toThrow(`The config file \`${path}\` is not valid JSON.`)
    writeFileSync(path, '[1, 2]')
    expect((await openSettings(env)).get('key')).toBeUndefined()
  })
})
