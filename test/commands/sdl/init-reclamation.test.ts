/**
 * `edge init` and reclamation (AEP-82): `--reclamation` writes the SDL's `reclamation.min_window`;
 * in a terminal the question is asked for the templates whose work can stop and resume (batch,
 * jupyter) and not for a service that must stay up.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {EdgeCommand} from '../../../src/base-command.js'
import Init from '../../../src/commands/init.js'
import {loadSdl} from '../../../src/sdl/index.js'
import {cleanup, root, setup} from './helpers.js'

const asked: string[] = []
vi.mock('../../../src/ui/prompts.js', async (original) => ({
  ...(await original<typeof import('../../../src/ui/prompts.js')>()),
  // The answers a person would type: the offered default, and 24h of notice when asked about reclamation.
  promptText: async (o: {message: string; defaultValue?: string}) => {
    asked.push(o.message)
    return /reclaim/i.test(o.message) ? '24h' : (o.defaultValue ?? '')
  },
  promptSelect: async (o: {message: string; choices: ReadonlyArray<{value: unknown}>}) => {
    asked.push(o.message)
    return o.choices[0].value
  },
}))

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
  asked.length = 0
})

describe('edge init: reclamation.min_window', () => {
  it('refuses a --reclamation that is not a duration as the flag\'s fault, and writes nothing', async () => {
    const {dir} = setup()
    const out = join(dir, 'batch.yaml')
    const {stdout} = await runCommand(['init', '--template', 'batch', '--reclamation', 'banana', '--out', out, '--json'], {root})
    const {error} = JSON.parse(stdout)
    expect(error).toMatchObject({code: 'bad_reclamation', exitCode: 2})
    expect(error.message).toMatch(/^--reclamation "banana" is not a notice edge can use: .*banana/)
    expect(error.message).not.toMatch(/batch\.yaml/)
    expect(error.hint).toMatch(/"none".*Nothing was written/)
    expect(existsSync(out)).toBe(false)
  })

  it('--reclamation 1h writes it, and the SDL then asks for that notice', async () => {
    const {dir} = setup()
    const out = join(dir, 'batch.yaml')
    const {stdout, error} = await runCommand(['init', '--template', 'batch', '--reclamation', '1h', '--out', out, '--json'], {root})
    expect(error).toBeUndefined()
    expect(JSON.parse(stdout).result).toMatchObject({template: 'batch', reclamation: '1h'})
    const sdl = loadSdl(readFileSync(out, 'utf8'))
    expect(sdl.ok).toBe(true)
    expect(readFileSync(out, 'utf8')).toMatch(/reclamation:\n {2}min_window: 1h/)
  })

  // These run the command class in this test's modules: oclif's runCommand loads its own copy, which the prompt mock does not reach.
  it.each(['batch', 'jupyter'])('in a terminal, asks for the %s template and writes the answer', async (template) => {
    vi.spyOn(EdgeCommand.prototype as unknown as {interactive: boolean}, 'interactive', 'get').mockReturnValue(true)
    const {dir} = setup()
    const out = join(dir, `${template}.yaml`)
    await Init.run(['--template', template, '--out', out], root)
    expect(asked.filter((m) => /reclaim/i.test(m))).toHaveLength(1)
    expect(readFileSync(out, 'utf8')).toMatch(/reclamation:\n {2}min_window: 24h/)
  })

  it('in a terminal, does not ask for a service that must stay up (hello)', async () => {
    vi.spyOn(EdgeCommand.prototype as unknown as {interactive: boolean}, 'interactive', 'get').mockReturnValue(true)
    const {dir} = setup()
    const out = join(dir, 'hello.yaml')
    await Init.run(['--template', 'hello', '--out', out], root)
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.some((m) => /reclaim/i.test(m))).toBe(false)
    expect(readFileSync(out, 'utf8')).not.toContain('reclamation')
  })
})
