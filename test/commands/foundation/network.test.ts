import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

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
})
