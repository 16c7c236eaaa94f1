import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {freePort} from '../../helpers/ports.js'
import {edgeInProcess} from '../in-process.js'

let dir: string
let ports: number[]

const edge = (...args: string[]) => edgeInProcess(args)

const portFlags = () => ['--rpc-port', String(ports[0]), '--grpc-port', String(ports[1]), '--rest-port', String(ports[2])]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-dev-cmd-'))
  Object.assign(process.env, {EDGE_CONFIG_DIR: join(dir, 'config'), EDGE_DATA_DIR: join(dir, 'data')})
  delete process.env.EDGE_PASSPHRASE
  ports = [await freePort(), await freePort(), await freePort()]
})

afterAll(async () => {
  await edge('dev', 'stop')
  for (const k of ['EDGE_CONFIG_DIR', 'EDGE_DATA_DIR']) delete process.env[k]
  rmSync(dir, {recursive: true, force: true})
})

describe('edge dev (in-process commands, real background node)', () => {
  it('starts in the background with a funded dev key and selects the local network', async () => {
    const {json, error} = await edge('dev', 'start', '--json', '--block-time', '200ms', ...portFlags())
    expect(error).toBeUndefined()
    const r = json.result
    expect(r).toMatchObject({running: true, alreadyRunning: false, devKeyCreated: true, chainId: 'edge-dev'})
    expect(r.endpoints.rpc).toBe(`http://127.0.0.1:${ports[0]}`)
    expect(r.devKey.balances).toEqual([
      {denom: 'uact', amount: '100000000000'},
      {denom: 'uakt', amount: '100000000000'},
    ])
    expect(existsSync(join(dir, 'data', 'devnet', 'devnet.pid'))).toBe(true)
    const config = JSON.parse(readFileSync(join(dir, 'config', 'config.json'), 'utf8'))
    expect(config.network).toBe('local')
    expect(config.networks.local.rpc).toBe(`http://127.0.0.1:${ports[0]}`)
    const key = JSON.parse(readFileSync(join(dir, 'data', 'keys', 'dev.json'), 'utf8'))
    expect(key).toMatchObject({name: 'dev', dev: true, address: r.devKey.address})
    expect(JSON.stringify(key)).not.toMatch(/mnemonic/)
  })

  it('makes the dev key the oracle price source, with a healthy genesis AKT price (edge wallet balance prices AKT)', async () => {
    const {json} = await edge('dev', 'status', '--json')
    const devAddress = json.result.devKey.address
    const params = (await (await fetch(`http://127.0.0.1:${ports[2]}/akash/oracle/v2/params`)).json()) as {params: {sources: string[]}}
    expect(params.params.sources).toEqual([devAddress])
    const balance = await edge('wallet', 'balance', '--json')
    expect(balance.json.warnings).toEqual([])
    expect(balance.json.result.balances[0]).toMatchObject({denom: 'uakt', usd: '$100,000.00'})
  })

  it('reports the running chain on a second start instead of starting another', async () => {
    const first = (await edge('dev', 'status', '--json')).json.result
    const {json} = await edge('dev', 'start', '--json', ...portFlags())
    expect(json.result).toMatchObject({alreadyRunning: true, pid: first.pid})
  })

  it('shows the reclamation windows: 5s to 720h on a new chain; a flag on a running chain only warns', async () => {
    const {json} = await edge('dev', 'status', '--json')
    expect(json.result.reclamationWindows).toEqual({minSeconds: 5, maxSeconds: 2592000})
    const text = await edge('dev', 'status')
    expect(text.stdout).toMatch(/reclamation:\s+windows from 5s to 720h \(market params\)/)
    const again = await edge('dev', 'start', '--json', '--min-reclamation-window', '30s', ...portFlags())
    expect(again.json.result.reclamationWindows.minSeconds).toBe(5)
    expect(again.json.warnings).toEqual([expect.stringMatching(/already running with a minimum reclamation window of 5s/)])
  })

  it('funds an address or a key name from the faucet, and rejects bad input with exit 2', async () => {
    const target = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'
    const {json} = await edge('dev', 'fund', target, '5akt', '2act', '300uakt', '--json')
    expect(json.result).toMatchObject({address: target, coins: [{denom: 'uact', amount: '2000000'}, {denom: 'uakt', amount: '5000300'}]})
    expect(json.result.balances).toEqual([
      {denom: 'uact', amount: '2000000'},
      {denom: 'uakt', amount: '5000300'},
    ])
    const byName = await edge('dev', 'fund', 'dev', '1uakt', '--json')
    expect(byName.json.result.address).toMatch(/^akash1/)
    const bad = await edge('dev', 'fund', 'nobody', '1akt', '--json')
    expect(bad.error?.oclif?.exit).toBe(2)
    expect(bad.json.error.code).toBe('bad_address')
    const amount = await edge('dev', 'fund', target, 'lots', '--json')
    expect(amount.error?.oclif?.exit).toBe(2)
  })

  it('shows status and the log', async () => {
    const {json} = await edge('dev', 'status', '--json')
    expect(json.result).toMatchObject({running: true, chainId: 'edge-dev'})
    expect(json.result.height).toBeGreaterThan(0)
    const logs = await edge('dev', 'logs')
    expect(logs.stdout).toContain('created chain edge-dev')
  })

  it('refuses to reset without a TTY or --yes and keeps the chain', async () => {
    const {json, error} = await edge('dev', 'reset', '--json')
    expect(error?.oclif?.exit).toBe(2)
    expect(json.error.hint).toContain('--yes')
    expect((await edge('dev', 'status', '--json')).json.result.running).toBe(true)
  })

  it('stops, keeping the chain, and resumes at the same height', async () => {
    const before = (await edge('dev', 'status', '--json')).json.result
    const stop = await edge('dev', 'stop', '--json')
    expect(stop.json.result).toMatchObject({wasRunning: true, pid: before.pid})
    const stopped = (await edge('dev', 'status', '--json')).json.result
    expect(stopped.running).toBe(false)
    expect((await edge('dev', 'stop', '--json')).json.result.wasRunning).toBe(false)
    const again = (await edge('dev', 'start', '--json', '--block-time', '0', '--min-reclamation-window', '2m', ...portFlags())).json.result
    expect(again.height).toBeGreaterThanOrEqual(before.height)
    expect(again.devKeyCreated).toBe(false)
    // The existing chain takes the new minimum at its next block, as a params change would.
    await edge('dev', 'fund', 'dev', '1uakt')
    expect((await edge('dev', 'status', '--json')).json.result.reclamationWindows).toEqual({minSeconds: 120, maxSeconds: 2592000})
  })

  it('resets with --yes: stops the node and deletes the chain data', async () => {
    const {json} = await edge('dev', 'reset', '--yes', '--json')
    expect(json.result.wasRunning).toBe(true)
    expect(existsSync(join(dir, 'data', 'devnet'))).toBe(false)
    expect(existsSync(join(dir, 'data', 'keys', 'dev.json'))).toBe(true)
  })

  it('rejects a bad block time or gas price with exit 2, starting nothing', async () => {
    expect((await edge('dev', 'start', '--block-time', 'fast')).error?.oclif?.exit).toBe(2)
    expect((await edge('dev', 'start', '--min-gas-price', '0.025atom')).error?.oclif?.exit).toBe(2)
    expect((await edge('dev', 'start', '--min-reclamation-window', 'soon')).error?.oclif?.exit).toBe(2)
    expect((await edge('dev', 'start', '--min-reclamation-window', '720h')).error?.oclif?.exit).toBe(2)
    expect(existsSync(join(dir, 'data', 'devnet', 'devnet.pid'))).toBe(false)
  })
})
