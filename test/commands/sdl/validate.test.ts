import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {BASE, variant} from '../../helpers/sdl-text.js'
import {cleanup, root, setup} from './helpers.js'

afterEach(cleanup)

describe('edge sdl validate', () => {
  it('passes a valid file: exit 0, a summary line, and the JSON result', async () => {
    const {write} = setup()
    const file = write('deploy.yaml', BASE)
    const text = await runCommand(['sdl', 'validate', file], {root})
    expect(text.error).toBeUndefined()
    expect(text.stdout).toMatch(/deploy\.yaml: valid: SDL 2\.0; 1 service in 1 group; 0\.5 CPU, 512Mi memory; max 1000 uact\/block \(≤ \$3\.60\/h\)\./)

    const json = await runCommand(['sdl', 'validate', file, '--json'], {root})
    expect(json.error).toBeUndefined()
    const envelope = JSON.parse(json.stdout)
    expect(envelope).toMatchObject({ok: true, result: {file, valid: true, errors: [], warnings: []}})
    expect(envelope.result.summary).toMatchObject({version: '2.0', services: ['web'], manifestVersion: expect.stringMatching(/^[0-9a-f]{64}$/)})
    expect(envelope.result.summary.groups[0].maxPricePerBlock).toEqual({denom: 'uact', scaled: '1000000000000000000000', amount: '1000'})
  })

  it('reports errors as file:line:col  severity  message (+ hint) and exits 2', async () => {
    const {write} = setup()
    const file = write('bad.yaml', variant('          - global: true', '          - service: web').replace('image: nginx:1.27', 'image: nginx'))
    const {stdout, stderr, error} = await runCommand(['sdl', 'validate', file], {root})
    expect(error?.oclif?.exit).toBe(2)
    const lines = stdout.split('\n')
    expect(lines[0]).toBe(`${file}:2:1  error    No service exposes a port to the internet (to: [{global: true}]); Akash rejects such a deployment.`)
    expect(lines[1]).toMatch(/^ {22,}hint: Expose at least one port globally/)
    expect(lines[2]).toBe(`${file}:4:12  warning  The image "nginx" has no tag, so the provider pulls whatever "latest" is at deploy time.`)
    expect(lines[3]).toMatch(/^\s+hint: Pin a version/)
    expect(stdout).toContain('invalid (1 error, 1 warning)')
    // The report's last line is the one summary; stderr does not repeat it or a hint (a terminal would show both twice).
    expect(stdout.trim().split('\n').filter((l) => /invalid|not a valid/.test(l))).toHaveLength(1)
    expect(stderr).toBe('')
  })

  it('a file that cannot be read is one error on stderr, not a report as well', async () => {
    setup()
    const {stdout, stderr, error} = await runCommand(['sdl', 'validate', '/nonexistent/deploy.yaml'], {root})
    expect(error?.oclif?.exit).toBe(2)
    expect(stdout).toBe('')
    expect(stderr.match(/does not exist/g)).toHaveLength(1)
  })

  it('puts the validation next to the error in --json, with exit 2', async () => {
    const {write} = setup()
    const file = write('bad.yaml', variant('    image: nginx:1.27\n', '    image: nginx:1.27\n    depends_on: [db]\n'))
    const {stdout, error} = await runCommand(['sdl', 'validate', file, '--json'], {root})
    expect(error?.oclif?.exit).toBe(2)
    const envelope = JSON.parse(stdout)
    expect(envelope.ok).toBe(false)
    expect(envelope.error).toMatchObject({code: 'sdl_invalid', exitCode: 2})
    expect(envelope.result.valid).toBe(false)
    expect(envelope.result.errors).toEqual([
      expect.objectContaining({severity: 'error', code: 'unknown-field', path: 'services.web.depends_on', line: 5, column: 5, file}),
    ])
  })

  it('--go-rules accepts what only the schema rejects, as a warning', async () => {
    const {write} = setup()
    const file = write('compose-habit.yaml', variant('    image: nginx:1.27\n', '    image: nginx:1.27\n    restart: always\n'))
    const {stdout, error} = await runCommand(['sdl', 'validate', file, '--go-rules', '--json'], {root})
    expect(error).toBeUndefined()
    expect(JSON.parse(stdout).result.warnings[0]).toMatchObject({code: 'unknown-field', severity: 'warning'})
  })

  it('--strict fails on warnings (exit 2); without it warnings pass', async () => {
    const {write} = setup()
    const file = write('latest.yaml', variant('image: nginx:1.27', 'image: nginx:latest'))
    const loose = await runCommand(['sdl', 'validate', file, '--json'], {root})
    expect(loose.error).toBeUndefined()
    expect(JSON.parse(loose.stdout).result.warnings.map((w: {code: string}) => w.code)).toEqual(['image-latest'])
    const strict = await runCommand(['sdl', 'validate', file, '--strict', '--json'], {root})
    expect(strict.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(strict.stdout)).toMatchObject({ok: false, error: {code: 'sdl_warnings'}, result: {valid: false, strict: true}})
  })

  it('warns where a field needs a provider capability, and stays valid (exit 0)', async () => {
    const {write} = setup()
    const text = `${variant('          - global: true\n', '          - global: true\n    params:\n      tee: cpu\n')}reclamation:\n  min_window: 24h\n`
    const file = write('tee.yaml', text)
    const {stdout, error} = await runCommand(['sdl', 'validate', file], {root})
    expect(error).toBeUndefined()
    expect(stdout).toContain(`${file}:11:12  warning  params.tee needs a provider with tee/type attributes (confidential CPU); few providers offer it.`)
    expect(stdout).toContain(`${file}:34:15  warning  reclamation.min_window (24h) lets only providers that promise at least that much notice bid (AEP-82)`)
    const json = await runCommand(['sdl', 'validate', file, '--json'], {root})
    expect(JSON.parse(json.stdout).result).toMatchObject({valid: true, errors: []})
  })

  it('shows the uakt fix as replacement YAML', async () => {
    const {write} = setup()
    const file = write('uakt.yaml', variant('denom: uact', 'denom: uakt'))
    const {stdout} = await runCommand(['sdl', 'validate', file], {root})
    expect(stdout).toContain('fix: replace profiles.placement.akash.pricing.web with:')
    expect(stdout).toMatch(/\n\s+denom: uact\n\s+amount: 1000\n/)
  })

  it('reads deploy.yaml by default and says clearly when a file is missing', async () => {
    const {dir} = setup()
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      const {stdout, error} = await runCommand(['sdl', 'validate', '--json'], {root})
      expect(error?.oclif?.exit).toBe(2)
      const envelope = JSON.parse(stdout)
      expect(envelope.error.message).toBe('The file deploy.yaml does not exist.')
      expect(envelope.error.hint).toContain('edge init')
    } finally {
      process.chdir(cwd)
    }
    const other = await runCommand(['sdl', 'validate', join(dir, 'nope.yaml')], {root})
    expect(other.error?.oclif?.exit).toBe(2)
  })
})
