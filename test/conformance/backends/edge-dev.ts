// Conformance backend: `edge dev` started in this process on free loopback ports, with the same test
// accounts (and genesis balances) as the real-node localnet (test/conformance/node/accounts.json),
// so that one suite runs against both.
import {appendFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startDevnet, withOracleSource} from '../../../src/devnet/index.js'
import type {ChainAccount, ChainBackend} from '../node/types.js'

export type {ChainBackend} from '../node/types.js'

const ACCOUNTS_FILE = join(import.meta.dirname, '..', 'node', 'accounts.json')

interface AccountsFile {
  accounts: Array<{name: string; mnemonic: string; address: string; genesisCoins: string}>
}

export interface StartEdgeDevOptions {
  /** Milliseconds between blocks (default 200). */
  blockTimeMs?: number
}

function parseCoins(text: string): Array<{denom: string; amount: string}> {
  return text
    .split(',')
    .filter(Boolean)
    .map((c) => {
      const m = /^(\d+)([a-z][a-z0-9/]*)$/.exec(c.trim())
      if (!m) throw new Error(`accounts.json: bad coin ${c}`)
      return {denom: m[2], amount: m[1]}
    })
}

export async function startEdgeDev(options: StartEdgeDevOptions = {}): Promise<ChainBackend> {
  const file = JSON.parse(readFileSync(ACCOUNTS_FILE, 'utf8')) as AccountsFile
  const account = (name: string): ChainAccount => {
    const found = file.accounts.find((a) => a.name === name)
    if (!found) throw new Error(`accounts.json has no ${name}`)
    return {mnemonic: found.mnemonic, address: found.address}
  }
  const dir = mkdtempSync(join(tmpdir(), 'edge-conformance-dev-'))
  const logFile = join(dir, 'devnet.log')
  const gasPrice = '0.025uakt'
  const devnet = await startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: options.blockTimeMs ?? 200,
    minGasPrice: gasPrice,
    accounts: file.accounts.map((a) => ({address: a.address, coins: parseCoins(a.genesisCoins)})),
    // As localnet.sh does for the real node: the auditor is the oracle's price source.
    genesis: (base) => withOracleSource(base, account('auditor').address),
    log: (line) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`),
  })
  let stopped = false
  return {
    kind: 'edge-dev',
    chainId: devnet.chainId,
    rpc: devnet.endpoints.rpc,
    grpc: devnet.endpoints.grpc,
    rest: devnet.endpoints.rest,
    accounts: {tenant: account('tenant'), provider: account('provider'), auditor: account('auditor')},
    gasPrice,
    logFile,
    async stop() {
      if (stopped) return
      stopped = true
      await devnet.stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
