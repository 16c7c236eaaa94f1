import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {loadSdlOrThrow, manifestSortedJson, manifestVersion} from '../../../src/sdl/index.js'
import {BASE, variant} from '../../helpers/sdl-text.js'
import {cleanup, root, setup} from './helpers.js'
import {CORPUS} from '../../helpers/corpus.js'

afterEach(cleanup)

const FIXTURES = join(CORPUS, 'akash-vectors/testdata/sdl')
const SIMPLE = join(FIXTURES, 'input/v2.0/simple/input.yaml')

describe('edge sdl render', () => {
  it('--as hash prints the manifest version', async () => {
    setup()
    const {stdout, error} = await runCommand(['sdl', 'render', SIMPLE, '--as', 'hash'], {root})
    expect(error).toBeUndefined()
    expect(stdout.trim()).toBe(manifestVersion(loadSdlOrThrow(readFileSync(SIMPLE, 'utf8'))).hex)
  })

  it("--as manifest prints Akash's manifest (default), --as groups the GroupSpecs", async () => {
    setup()
    const manifest = await runCommand(['sdl', 'render', SIMPLE], {root})
    expect(JSON.parse(manifest.stdout)).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'output-fixtures/v2.0/simple/manifest.json'), 'utf8')))
    const groups = await runCommand(['sdl', 'render', SIMPLE, '--as', 'groups', '--json'], {root})
    const envelope = JSON.parse(groups.stdout)
    expect(envelope).toMatchObject({ok: true, result: {as: 'groups', hash: expect.stringMatching(/^[0-9a-f]{64}$/), masked: false}})
    expect(envelope.result.groups).toEqual(JSON.parse(readFileSync(join(FIXTURES, 'output-fixtures/v2.0/simple/group-specs.json'), 'utf8')))
  })

  it('--as groups carries the reclamation window (MsgCreateDeployment), --as manifest the new manifest fields', async () => {
    const {write} = setup()
    const text = variant('          - global: true\n', '          - global: true\n        http_options:\n          read_timeout: 30s\n          proxy:\n            buffer_size: 16384\n    params:\n      tee: cpu\n')
    const file = write('deploy.yaml', `${text}reclamation:\n  min_window: 24h\n`)
    const json = await runCommand(['sdl', 'render', file, '--as', 'groups', '--json'], {root})
    const {result} = JSON.parse(json.stdout)
    expect(result.reclamation).toEqual({min_window: '24h', seconds: 86400})
    expect(result.groups[0].requirements.attributes).toEqual([{key: 'tee/type', value: 'cpu'}])
    const textOut = await runCommand(['sdl', 'render', file, '--as', 'groups'], {root})
    expect(JSON.parse(textOut.stdout)).toEqual({groups: result.groups, reclamation: {min_window: '24h', seconds: 86400}})
    const manifest = await runCommand(['sdl', 'render', file, '--as', 'manifest'], {root})
    const service = JSON.parse(manifest.stdout)[0].services[0]
    expect(service.params.tee).toEqual({type: 'cpu', attestation: true})
    expect(service.expose[0].httpOptions).toMatchObject({readTimeout: 30000, proxy: {bufferSize: 16384}})
    const hash = await runCommand(['sdl', 'render', file, '--as', 'hash'], {root})
    expect(hash.stdout.trim()).toBe(manifestVersion(loadSdlOrThrow(text)).hex)

    const plain = await runCommand(['sdl', 'render', write('plain.yaml', BASE), '--as', 'groups', '--json'], {root})
    expect(JSON.parse(plain.stdout).result.reclamation).toBeNull()
  })

  it('--as body prints the exact upload body', async () => {
    const {write} = setup()
    const file = write('deploy.yaml', BASE)
    const {stdout} = await runCommand(['sdl', 'render', file, '--as', 'body'], {root})
    expect(stdout).toBe(`${manifestSortedJson(loadSdlOrThrow(BASE))}\n`)
  })

  it('masks registry passwords unless --show-secrets, and says so', async () => {
    const {write} = setup()
    const text = variant('    image: nginx:1.27\n', '    image: ghcr.io/acme/private:1.0\n    credentials:\n      host: ghcr.io\n      username: acme\n      password: s3cret-token\n')
    const file = write('private.yaml', text)
    const masked = await runCommand(['sdl', 'render', file, '--as', 'manifest'], {root})
    expect(masked.stdout).not.toContain('s3cret-token')
    expect(masked.stdout).toContain('"password": "***"')
    expect(masked.stderr).toContain('--show-secrets')
    const shown = await runCommand(['sdl', 'render', file, '--as', 'body', '--show-secrets'], {root})
    expect(shown.stdout.trim()).toBe(manifestSortedJson(loadSdlOrThrow(text)))
    const hash = await runCommand(['sdl', 'render', file, '--as', 'hash'], {root})
    expect(hash.stdout.trim()).toBe(manifestVersion(loadSdlOrThrow(text)).hex)
  })

  it('refuses an invalid SDL with exit 2 and the first problem', async () => {
    const {write} = setup()
    const file = write('bad.yaml', variant('size: 512Mi', 'size: 512MB'))
    const {stdout, error} = await runCommand(['sdl', 'render', file, '--as', 'hash', '--json'], {root})
    expect(error?.oclif?.exit).toBe(2)
    const envelope = JSON.parse(stdout)
    expect(envelope.error.code).toBe('sdl_invalid')
    expect(envelope.error.message).toBe(`${file} is not a valid SDL: ${file}:17:17: profiles.compute.web.resources.memory.size is "512MB", which is not a size Akash can read.`)
  })

  it('rejects an unknown --as with exit 2', async () => {
    setup()
    const {error} = await runCommand(['sdl', 'render', SIMPLE, '--as', 'yaml'], {root})
    expect(error?.oclif?.exit).toBe(2)
  })
})
