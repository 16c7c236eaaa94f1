import {afterEach, describe, expect, it, vi} from 'vitest'

import hook from '../../../src/hooks/command-not-found.js'

const ran: Array<{id: string; argv: string[]}> = []
const config = {
  commandIDs: ['deploy', 'status', 'logs', 'ls', 'shell', 'network:list', 'network:add', 'wallet:balance'],
  topics: [{name: 'network'}, {name: 'wallet'}],
  runCommand: async (id: string, argv: string[]) => void ran.push({id, argv}),
}

/** Runs the hook as oclif would; returns what it wrote and the exit code it asked for. */
async function run(id: string, argv: string[] = []): Promise<{stderr: string; stdout: string; exit?: number}> {
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  let exit: number | undefined
  const context = {exit: (code: number) => void (exit = code)}
  await (hook as unknown as (this: unknown, o: unknown) => Promise<void>).call(context, {id, argv, config})
  const out = {stderr: stderr.mock.calls.map((c) => String(c[0])).join(''), stdout: stdout.mock.calls.map((c) => String(c[0])).join(''), exit}
  stderr.mockRestore()
  stdout.mockRestore()
  return out
}

describe('an unknown command', () => {
  afterEach(() => vi.restoreAllMocks())

  it('suggests the command a typo was meant to be', async () => {
    const r = await run('deplyo')
    expect(r.exit).toBe(2)
    expect(r.stderr).toContain('"deplyo" is not an edge command.')
    expect(r.stderr).toContain('Did you mean `edge deploy`?')
  })

  it('suggests a subcommand, written with spaces', async () => {
    expect((await run('network:lsit')).stderr).toContain('Did you mean `edge network list`?')
  })

  it('suggests nothing for a word far from every command, and keeps the JSON envelope', async () => {
    const r = await run('frobnicate', ['--json'])
    expect(r.exit).toBe(2)
    const json = JSON.parse(r.stdout) as {ok: boolean; error: {code: string; hint: string}}
    expect(json.ok).toBe(false)
    expect(json.error.code).toBe('unknown_command')
    expect(json.error.hint).not.toContain('Did you mean')
  })
})

describe('global flags before the command (D23)', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    ran.length = 0
  })

  it('runs the command with them, as if written after it', async () => {
    // oclif hands the first word over as the command id.
    await run('--json', ['ls'])
    await run('--network', ['local', 'deploy', 'app.yaml', '--yes'])
    await run('--network=mydev', ['-y', 'network', 'list'])
    await run('--output', ['jsonl', 'shell', '12', '--', 'ls', '-l'])
    expect(ran).toEqual([
      {id: 'ls', argv: ['--json']},
      {id: 'deploy', argv: ['app.yaml', '--yes', '--network', 'local']},
      {id: 'network:list', argv: ['--network=mydev', '-y']},
      {id: 'shell', argv: ['12', '--output', 'jsonl', '--', 'ls', '-l']},
    ])
  })

  it("hints where a command's own flag goes, and keeps the JSON envelope for an unknown command", async () => {
    const own = await run('--select', ['cheapest', 'deploy', 'app.yaml'])
    expect(own.exit).toBe(2)
    expect(own.stderr).toContain('"--select" goes after the command.')
    expect(own.stderr).toContain('`edge deploy app.yaml --select cheapest`')
    const typo = await run('--json', ['lss'])
    expect(JSON.parse(typo.stdout).error).toMatchObject({code: 'unknown_command', message: '"lss" is not an edge command.', hint: expect.stringContaining('edge ls')})
    expect((await run('--json')).stderr).toBe('')
    expect(ran).toEqual([])
  })
})
