// Gas as a client that is not ours sees it: chain-sdk's own signing client with its defaults
// (simulate, then gas = 1.3 × simulated). On Akash node v2.1 the simulation leaves out the fee
// transfer (cosmjs simulates with an empty fee), so delivery uses ~16k gas more than simulated and
// small transactions run out of gas at ×1.3: MsgSend to an existing account, MsgUpdateProvider,
// MsgUpdateDeployment (shared/design/akash-protocol-2026.md §5). A client that passes against
// edge dev must meet the same failures here, and the same successes.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {type ChainNodeSDK, createChainNodeSDK, createStargateClient} from '@akashnetwork/chain-sdk'
import {Source} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import type {DeliverTxResponse} from '@cosmjs/stargate'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {groupSpecs, loadSdlOrThrow, manifestVersion} from '../../src/sdl/index.js'
import {CORPUS} from '../helpers/corpus.js'
import {startOrSkip, wantedBackends} from './backends/index.js'
import type {ChainAccount, ChainBackend} from './node/types.js'

const CORPUS_SDL = join(CORPUS, 'awesome-akash/caddy.yaml')
const NEW_RECIPIENT = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'

/** What a chain-sdk call ended with: the DeliverTx code and gas, whether it threw or not. */
interface Outcome {
  code: number
  gasWanted: bigint
  gasUsed: bigint
  rawLog: string
}

async function outcome(run: (opts: {afterBroadcast: (r: DeliverTxResponse) => void}) => Promise<unknown>): Promise<Outcome> {
  let response: DeliverTxResponse | undefined
  try {
    await run({afterBroadcast: (r) => (response = r)})
  } catch (error) {
    if (!response) throw error
  }
  if (!response) throw new Error('the transaction was never broadcast')
  return {code: response.code, gasWanted: response.gasWanted, gasUsed: response.gasUsed, rawLog: response.rawLog ?? ''}
}

for (const backendCase of wantedBackends()) {
  describe(`gas at chain-sdk's defaults: ${backendCase.name}`, () => {
    let backend: ChainBackend
    let skip: string | undefined
    let tenant: ChainNodeSDK
    let provider: ChainNodeSDK
    const stops: Array<() => Promise<void> | void> = []

    /** chain-sdk's client exactly as an integrator builds it: no gas multiplier given (1.3). */
    function defaultSdk(account: ChainAccount): ChainNodeSDK {
      const signer = createStargateClient({
        baseUrl: backend.rpc,
        signerMnemonic: account.mnemonic,
        defaultGasPrice: backend.gasPrice,
        stargateOptions: {broadcastPollIntervalMs: 200, broadcastTimeoutMs: 30_000},
      })
      stops.push(() => signer.disconnect())
      return createChainNodeSDK({query: {baseUrl: backend.grpc}, tx: {signer}})
    }

    beforeAll(async () => {
      const started = await startOrSkip(backendCase, 'gas conformance')
      skip = started.skip
      if (!started.backend) return
      backend = started.backend
      tenant = defaultSdk(backend.accounts.tenant)
      provider = defaultSdk(backend.accounts.provider)
    })

    afterAll(async () => {
      for (const stop of stops) await stop()
      await backend?.stop()
    })

    const send = (opts: object) =>
      tenant.cosmos.bank.v1beta1.send(
        {fromAddress: backend.accounts.tenant.address, toAddress: NEW_RECIPIENT, amount: [{denom: 'uakt', amount: '1000000'}]},
        opts,
      )

    it('MsgSend to a new account succeeds; to an existing one it runs out of gas (sdk/11)', async (ctx) => {
      if (skip) ctx.skip(skip)
      // Records the tenant's public key first, as any account's first transaction does.
      await outcome((opts) => tenant.cosmos.bank.v1beta1.send({fromAddress: backend.accounts.tenant.address, toAddress: backend.accounts.auditor.address, amount: [{denom: 'uakt', amount: '1'}]}, opts))
      const toNew = await outcome(send)
      expect(toNew.code).toBe(0)
      const toExisting = await outcome(send)
      expect(toExisting.code).toBe(11)
      expect(toExisting.rawLog).toMatch(/out of gas/)
      expect(toExisting.gasUsed).toBeGreaterThan(toExisting.gasWanted)
    })

    it('MsgCreateProvider succeeds; MsgUpdateProvider runs out of gas', async (ctx) => {
      if (skip) ctx.skip(skip)
      const info = {
        owner: backend.accounts.provider.address,
        hostUri: 'https://provider.gas.test:8443',
        attributes: [{key: 'host', value: 'akash'}],
        info: {email: 'ops@gas.test', website: ''},
      }
      expect((await outcome((opts) => provider.akash.provider.v1beta4.createProvider(info, opts))).code).toBe(0)
      const update = await outcome((opts) => provider.akash.provider.v1beta4.updateProvider({...info, attributes: [...info.attributes, {key: 'tier', value: '1'}]}, opts))
      expect(update.code).toBe(11)
    })

    it('MsgCreateDeployment succeeds, MsgUpdateDeployment runs out of gas, MsgCloseDeployment succeeds', async (ctx) => {
      if (skip) ctx.skip(skip)
      const owner = backend.accounts.tenant.address
      const sdl = loadSdlOrThrow(readFileSync(CORPUS_SDL, 'utf8'), {file: CORPUS_SDL})
      const id = {owner, dseq: BigInt(Date.now())}
      const created = await outcome((opts) =>
        tenant.akash.deployment.v1beta4.createDeployment(
          {id, groups: groupSpecs(sdl), hash: manifestVersion(sdl).bytes, deposit: {amount: {denom: 'uact', amount: '5000000'}, sources: [Source.balance]}, reclamation: undefined},
          opts,
        ),
      )
      expect(created.code).toBe(0)
      const updated = await outcome((opts) => tenant.akash.deployment.v1beta4.updateDeployment({id, hash: new Uint8Array(32).fill(9)}, opts))
      expect(updated.code).toBe(11)
      const closed = await outcome((opts) => tenant.akash.deployment.v1beta4.closeDeployment({id}, opts))
      expect(closed.code).toBe(0)
    })
  })
}
