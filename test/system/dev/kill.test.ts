import Database from 'better-sqlite3'
import {join} from 'node:path'
import {DirectSecp256k1HdWallet} from '@cosmjs/proto-signing'
import {GasPrice, SigningStargateClient, StargateClient} from '@cosmjs/stargate'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Keystore} from '../../../src/config/keystore.js'
import {processAlive} from '../../../src/lib/daemon.js'
import {type EdgeHome, makeEdgeHome, runEdge} from '../../helpers/run-edge.js'
import {freePort} from '../../helpers/ports.js'

let home: EdgeHome
let flags: string[]

beforeAll(async () => {
  home = makeEdgeHome('edge-dev-kill-')
  flags = ['--rpc-port', String(await freePort()), '--grpc-port', String(await freePort()), '--rest-port', String(await freePort())]
})

afterAll(async () => {
  await runEdge(['dev', 'stop'], {home})
  home.cleanup()
})

describe('edge dev survives kill -9', () => {
  it('resumes at the last committed height with every balance and block intact', async () => {
    const start = await runEdge(['dev', 'start', '--json', '--block-time', '200ms', ...flags], {home})
    expect(start.exitCode, start.stderr).toBe(0)
    const {pid, endpoints, devKey} = start.json.result

    // A real transaction, signed by the dev key (its keystore passphrase is empty).
    const mnemonic = await new Keystore(join(home.env.EDGE_DATA_DIR, 'keys')).unlock('dev', '')
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {prefix: 'akash'})
    const signing = await SigningStargateClient.connectWithSigner(endpoints.rpc, wallet, {gasPrice: GasPrice.fromString('0.025uakt'), broadcastPollIntervalMs: 100})
    const recipient = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'
    const sent = await signing.sendTokens(devKey.address, recipient, [{denom: 'uakt', amount: '123456'}], 'auto')
    expect(sent.code).toBe(0)
    signing.disconnect()
    const fund = await runEdge(['dev', 'fund', recipient, '7act', '--json'], {home})
    expect(fund.exitCode, fund.stderr).toBe(0)

    const client = await StargateClient.connect(endpoints.rpc)
    const balancesBefore = await client.getAllBalances(recipient)
    const devBefore = await client.getAllBalances(devKey.address)
    const observed = await client.getHeight()
    const blockBefore = await client.getBlock(observed)
    client.disconnect()

    process.kill(pid, 'SIGKILL')
    while (processAlive(pid)) await new Promise((r) => setTimeout(r, 20))
    const db = new Database(join(home.env.EDGE_DATA_DIR, 'devnet', 'chain.sqlite'), {readonly: true})
    const committed = Number(db.prepare("SELECT value FROM meta WHERE key = 'height'").pluck().get())
    db.close()
    expect(committed).toBeGreaterThanOrEqual(observed)

    // The stale pid file must not stop a new start.
    const restart = await runEdge(['dev', 'start', '--json', '--block-time', '200ms', ...flags], {home})
    expect(restart.exitCode, restart.stderr).toBe(0)
    expect(restart.json.result.alreadyRunning).toBe(false)
    expect(restart.json.result.pid).not.toBe(pid)

    const after = await StargateClient.connect(restart.json.result.endpoints.rpc)
    expect(await after.getHeight()).toBeGreaterThanOrEqual(committed)
    expect(await after.getAllBalances(recipient)).toEqual(balancesBefore)
    expect(await after.getAllBalances(devKey.address)).toEqual(devBefore)
    const blockAfter = await after.getBlock(observed)
    expect(blockAfter.id).toBe(blockBefore.id)
    expect((await after.getTx(sent.transactionHash))?.height).toBe(sent.height)
    after.disconnect()
  })
})
