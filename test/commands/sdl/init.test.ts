import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {loadSdl} from '../../../src/sdl/index.js'
import {cleanup, root, setup} from './helpers.js'

afterEach(cleanup)

describe('edge init (no TTY: flags and defaults)', () => {
  it('writes the hello template by default, and the result validates', async () => {
    const {dir} = setup()
    const out = join(dir, 'deploy.yaml')
    const {stdout, error} = await runCommand(['init', '--out', out], {root})
    expect(error).toBeUndefined()
    expect(stdout).toContain(`Wrote ${out} from the hello template.`)
    expect(stdout).toMatch(/Price cap: 100 uact\/block \(≤ \$0\.36\/h\)/)
    expect(stdout).toContain('edge deploy')
    const result = loadSdl(readFileSync(out, 'utf8'))
    expect(result.ok).toBe(true)
    expect(result.warnings).toEqual([])
  })

  it('takes every answer from flags, in a --json envelope', async () => {
    const {dir} = setup()
    const out = join(dir, 'llm.yaml')
    const {stdout, error} = await runCommand(
      ['init', '--template', 'ollama', '--gpu', 'rtx4090', '--region', 'us-west', '--max-price', '2usd/h', '--out', out, '--network', 'mainnet', '--json'],
      {root},
    )
    expect(error).toBeUndefined()
    const envelope = JSON.parse(stdout)
    expect(envelope).toMatchObject({ok: true, result: {file: out, template: 'ollama', gpu: ['rtx4090'], region: 'us-west', maxUsdPerHour: '$2.00', warnings: []}})
    const sdl = loadSdl(readFileSync(out, 'utf8')).sdl!
    expect(sdl.model.compute.ollama.gpu!.attributes).toEqual([{key: 'vendor/nvidia/model/rtx4090', value: 'true'}])
    expect(sdl.model.placement.akash.attributes).toEqual([{key: 'region', value: 'us-west'}])
  })

  it('never overwrites an existing file without --force (exit 2, file untouched)', async () => {
    const {dir} = setup()
    const out = join(dir, 'deploy.yaml')
    writeFileSync(out, 'my own work\n')
    const refused = await runCommand(['init', '--out', out, '--json'], {root})
    expect(refused.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(refused.stdout).error).toMatchObject({code: 'file_exists', hint: expect.stringContaining('--force')})
    expect(readFileSync(out, 'utf8')).toBe('my own work\n')
    const forced = await runCommand(['init', '--out', out, '--force', '--template', 'batch'], {root})
    expect(forced.error).toBeUndefined()
    expect(readFileSync(out, 'utf8')).toContain('python:3.12-slim')
  })

  it('explains an unknown template and a GPU flag on a CPU template (exit 2)', async () => {
    const {dir} = setup()
    const unknown = await runCommand(['init', '--template', 'wordpress', '--out', join(dir, 'a.yaml'), '--json'], {root})
    expect(unknown.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(unknown.stdout).error).toMatchObject({code: 'unknown_template', hint: expect.stringContaining('hello')})
    const gpu = await runCommand(['init', '--template', 'hello', '--gpu', 'h100', '--out', join(dir, 'b.yaml'), '--json'], {root})
    expect(gpu.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(gpu.stdout).error.code).toBe('template_has_no_gpu')
    const price = await runCommand(['init', '--max-price', 'cheap', '--out', join(dir, 'c.yaml'), '--json'], {root})
    expect(price.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(price.stdout).error.hint).toMatch(/usd\/h|uact/)
  })
})
