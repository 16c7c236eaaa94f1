import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {generateMnemonic} from '../../../src/config/mnemonic.js'

const root = join(import.meta.dirname, '../../..')

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'edge-cmd-'))
  process.env.EDGE_CONFIG_DIR = join(dir, 'config')
  process.env.EDGE_DATA_DIR = join(dir, 'data')
  delete process.env.EDGE_NETWORK
  return {dir}
}

afterEach(() => {
  delete process.env.EDGE_CONFIG_DIR
  delete process.env.EDGE_DATA_DIR
  process.exitCode = undefined
})

describe('edge network (in-process)', () => {
  it('lists the built-in networks in the JSON envelope', async () => {
    setup()
    const {stdout, error} = await runCommand(['network', 'list', '--json'], {root})
    expect(error).toBeUndefined()
    const envelope = JSON.parse(stdout)
    expect(envelope.ok).toBe(true)
    expect(envelope.warnings).toEqual([])
    expect(envelope.result.map((n: {name: string}) => n.name)).toEqual(['mainnet', 'sandbox', 'testnet', 'local'])
    expect(envelope.result.find((n: {selected: boolean}) => n.selected).name).toBe('local')
  })

  it('adds, selects and removes a custom network', async () => {
    setup()
    const add = await runCommand(
      ['network', 'add', 'mine', '--chain-id', 'c-1', '--rpc', 'http://127.0.0.1:1', '--grpc', 'http://127.0.0.1:2', '--rest', 'http://127.0.0.1:3'],
      {root},
    )
    expect(add.error).toBeUndefined()
    expect(add.stdout).toContain('Added network mine')
    await runCommand(['network', 'use', 'mine'], {root})
    const show = await runCommand(['network', 'show', '--json'], {root})
    expect(JSON.parse(show.stdout).result).toMatchObject({name: 'mine', chainId: 'c-1', selected: true})
    const remove = await runCommand(['network', 'remove', 'mine', '--json'], {root})
    expect(JSON.parse(remove.stdout).result).toEqual({name: 'mine', selected: 'local'})
  })

  it('takes global flags before the command too: edge --json --network mainnet network show (D23)', async () => {
    setup()
    const {stdout, error} = await runCommand(['--json', '--network', 'mainnet', 'network', 'show'], {root})
    expect(error).toBeUndefined()
    expect(JSON.parse(stdout).result).toMatchObject({name: 'mainnet', chainId: 'akashnet-2'})
  })

  it('prefers --network over EDGE_NETWORK over the selection', async () => {
    setup()
    await runCommand(['network', 'use', 'sandbox'], {root})
    process.env.EDGE_NETWORK = 'testnet'
    const fromEnv = await runCommand(['network', 'show', '--json'], {root})
    expect(JSON.parse(fromEnv.stdout).result.name).toBe('testnet')
    const fromFlag = await runCommand(['network', 'show', '--network', 'mainnet', '--json'], {root})
    expect(JSON.parse(fromFlag.stdout).result.name).toBe('mainnet')
    delete process.env.EDGE_NETWORK
  })

  it('fails with exit 2 and a JSON error for an unknown network', async () => {
    setup()
    const {stdout, error} = await runCommand(['network', 'use', 'atlantis', '--json'], {root})
    expect(error?.oclif?.exit).toBe(2)
    expect(JSON.parse(stdout)).toMatchObject({ok: false, error: {code: 'unknown_network', exitCode: 2}})
  })

  it('fails with exit 6 naming the URL when the network cannot be reached', async () => {
    setup()
    await runCommand(
      ['network', 'add', 'dead', '--chain-id', 'x', '--rpc', 'http://127.0.0.1:9', '--grpc', 'http://127.0.0.1:9', '--rest', 'http://127.0.0.1:9'],
      {root},
    )
    const {stdout, error} = await runCommand(['network', 'show', 'dead', '--check', '--json'], {root})
    expect(error?.oclif?.exit).toBe(6)
    const envelope = JSON.parse(stdout)
    expect(envelope.error.code).toBe('chain_unreachable')
    expect(envelope.error.message).toContain('http://127.0.0.1:9')
    expect(envelope.error.hint).toBeTruthy()
  })

  it('takes a duration for --block-time (1s, 500ms), as edge dev start does (D22)', async () => {
    setup()
    const endpoints = ['--rpc', 'http://127.0.0.1:9', '--grpc', 'http://127.0.0.1:9', '--rest', 'http://127.0.0.1:9']
    const add = await runCommand(['network', 'add', 'fast', '--chain-id', 'x', ...endpoints, '--block-time', '1s', '--no-check'], {root})
    expect(add.error).toBeUndefined()
    const show = await runCommand(['network', 'show', 'fast', '--json'], {root})
    expect(JSON.parse(show.stdout).result.blockTimeMs).toBe(1000)
    await runCommand(['network', 'add', 'legacy', '--chain-id', 'x', ...endpoints, '--block-time', '6117', '--no-check'], {root})
    expect(JSON.parse((await runCommand(['network', 'show', 'legacy', '--json'], {root})).stdout).result.blockTimeMs).toBe(6117)
    const bad = await runCommand(['network', 'add', 'bad', '--chain-id', 'x', ...endpoints, '--block-time', 'soon', '--json'], {root})
    expect(bad.error?.oclif?.exit).toBe(2)
    expect(JSON.parse(bad.stdout).error.message).toBe('--block-time "soon" is not a duration.')
  })

  it('refuses a chain id the node does not have, on add and on show --check (D24)', async () => {
    const {dir} = setup()
    const {startDevnet} = await import('../../../src/devnet/index.js')
    const dev = await startDevnet({dataDir: join(dir, 'chain'), ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 200})
    try {
      const endpoints = ['--rpc', dev.endpoints.rpc, '--grpc', dev.endpoints.grpc, '--rest', dev.endpoints.rest]
      const wrong = await runCommand(['network', 'add', 'wrongid', '--chain-id', 'akashnet-2', ...endpoints, '--json'], {root})
      expect(wrong.error?.oclif?.exit).toBe(2)
      expect(JSON.parse(wrong.stdout).error).toMatchObject({code: 'chain_id_mismatch', message: `The node at ${dev.endpoints.rpc} is on chain "${dev.chainId}", not "akashnet-2".`})
      const list = await runCommand(['network', 'list', '--json'], {root})
      expect(JSON.parse(list.stdout).result.map((n: {name: string}) => n.name)).not.toContain('wrongid')
      // Saved without asking, the mismatch shows at the first check.
      await runCommand(['network', 'add', 'wrongid', '--chain-id', 'akashnet-2', ...endpoints, '--no-check'], {root})
      const check = await runCommand(['network', 'show', 'wrongid', '--check', '--json'], {root})
      expect(check.error?.oclif?.exit).toBe(2)
      expect(JSON.parse(check.stdout).error.code).toBe('chain_id_mismatch')
      // …and at its first use, instead of "No active deployments" from the wrong chain.
      process.env.EDGE_MNEMONIC = generateMnemonic()
      const ls = await runCommand(['ls', '--network', 'wrongid', '--json'], {root})
      delete process.env.EDGE_MNEMONIC
      expect(ls.error?.oclif?.exit).toBe(2)
      expect(JSON.parse(ls.stdout).error).toMatchObject({code: 'chain_id_mismatch', hint: expect.stringContaining(`--chain-id ${dev.chainId}`)})
      const right = await runCommand(['network', 'add', 'right', '--chain-id', dev.chainId, ...endpoints], {root})
      expect(right.error).toBeUndefined()
      expect(right.stderr).toBe('')
    } finally {
      await dev.stop()
    }
  })
})
