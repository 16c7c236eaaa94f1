import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {CancelledError, ChainError} from '../../../src/errors.js'
import type {DeployEvent} from '../../../src/services/deploy/events.js'
import {HELLO, type Harness, P1, P2, P3, READY_STATUS, harness} from './setup.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.cleanup()
  h = undefined
})

const steps = (events: DeployEvent[]) => events.filter((e) => e.type === 'step').map((e) => `${(e as {step: string}).step}:${(e as {status: string}).status}`)
const ofType = <T extends DeployEvent['type']>(events: DeployEvent[], type: T) => events.filter((e) => e.type === type) as Array<Extract<DeployEvent, {type: T}>>

/** The harness's SDL with another image: the same order, another manifest hash. */
function otherManifest(harness: Harness): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sdl-')), 'deploy.yaml')
  writeFileSync(file, readFileSync(harness.options.file, 'utf8').replace('busybox:1.36', 'busybox:1.37'))
  return file
}

describe('edge deploy flow', () => {
  it('goes from SDL to ready services with the cheapest bid, and records it in the ledger', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3, latencyMs: 80},
      {owner: P2, usdPerHour: 0.2, latencyMs: 10},
    ])
    const {events, result, error} = await h.run({select: 'cheapest'})
    expect(error).toBeUndefined()
    expect(result!.state).toBe('ready')
    expect(result!.leases[0].provider).toBe(P2)
    expect(result!.price!.usdPerHour).toBe('$0.20')
    expect(result!.uris).toEqual(['http://web.dseq.ingress.local'])
    expect(result!.dseq).toBe(100n)
    // One event stream with every step in order.
    expect(steps(events)).toEqual([
      'validate:started', 'validate:succeeded',
      'forecast:started', 'forecast:succeeded',
      'funds:started', 'funds:succeeded', 'mint:skipped',
      'create:started', 'create:succeeded',
      'bids:started', 'bids:succeeded',
      'probe:started', 'probe:succeeded',
      'select:started', 'select:succeeded',
      'lease:started', 'lease:succeeded',
      'manifest:started', 'manifest:succeeded',
      'ready:started', 'ready:succeeded',
    ])
    // The manifest went to the winner, byte for byte the hashed JSON.
    expect(h.providers.get(P2)!.manifests).toHaveLength(1)
    expect(h.providers.get(P1)!.manifests).toHaveLength(0)
    expect(ofType(events, 'forecast')[0].maxUsdPerHour).toBe('$0.36')
    const entry = h.ledger.get('local', h.market.owner, 100n)!
    expect(entry).toMatchObject({state: 'ready', provider: P2, services: ['web']})
    // Both providers matched, so the bid window closed as soon as both had bid.
    expect(result!.blocks.firstBid).toBe(result!.blocks.created! + 1)
  })

  it('picks the lowest latency with --select fastest and explains why', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3, latencyMs: 5},
      {owner: P2, usdPerHour: 0.2, latencyMs: 90},
    ])
    const {result} = await h.run({select: 'fastest'})
    expect(result!.leases[0].provider).toBe(P1)
    expect(result!.explanation!.others[0].why).toMatch(/latency: 90 ms/)
  })

  it('leases from a named provider with --select <address>', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const {result, events} = await h.run({select: P1})
    expect(result!.leases[0].provider).toBe(P1)
    expect(ofType(events, 'bid_selected')[0].by).toBe('provider')
    // P2 scores higher, but lost because the user named P1, not on a tie-break (D32).
    expect(result!.explanation!.others).toEqual([expect.objectContaining({provider: P2, why: 'not chosen: --select named another provider'})])
  })

  it('asks the chooser when no strategy is given', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const seen: string[] = []
    const {result} = await h.run(
      {select: undefined},
      {
        choose: async (req) => {
          seen.push(...req.bids.map((b) => b.bid.id.provider))
          return req.bids.find((b) => b.bid.id.provider === P1)!
        },
      },
    )
    expect(seen.sort()).toEqual([P1, P2].sort())
    expect(result!.leases[0].provider).toBe(P1)
    expect(result!.explanation!.others[0].why).toBe('not chosen: you picked another bid')
  })

  it('exits 3 with a diagnosis when no bid meets the price cap, and closes the deployment', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.25, region: 'eu-west'},
      {owner: P3, region: 'us-east'},
    ])
    const {events, error} = await h.run({maxUsdPerHour: 10n ** 17n})
    expect(error!.exitCode).toBe(3)
    // The bids came and were filtered out: the window closed early, so the message names no timeout (D34);
    // a sentence after a full stop starts with a capital.
    expect(error!.message).toMatch(/^No acceptable bid for group "akash"\. /)
    expect(error!.message).toMatch(/2 bid\. Your --max-price excluded 2 of 3/)
    expect(error!.hint).toMatch(/raise --max-price \(\$0\.25\/h is the lowest ask\)/)
    const diagnosis = ofType(events, 'no_bids')[0].diagnosis
    expect(diagnosis.constraints).toContainEqual({constraint: 'your --max-price', kind: 'price_cap', providers: 2})
    expect(diagnosis.verdicts.find((v) => v.provider === P3)!.outcome).toBe('no_bid')
    // Nothing left locked.
    expect(h.market.deploymentsById.get(`${h.market.owner}/100`)!.state).toBe('closed')
    expect(ofType(events, 'deployment_closed')[0].reason).toBe('no_bids')
    expect(h.ledger.get('local', h.market.owner, 100n)!.state).toBe('failed')
  })

  it('says which placement attribute excluded the providers when nobody can bid', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3, region: 'us-east'}])
    const file = join(mkdtempSync(join(tmpdir(), 'sdl-')), 'deploy.yaml')
    const text = readFileSync(h.options.file, 'utf8').replace('  placement:\n    akash:\n', '  placement:\n    akash:\n      attributes:\n        region: eu-central\n')
    writeFileSync(file, text)
    const {error, events} = await h.run({file, bidTimeoutMs: 200})
    expect(error!.exitCode).toBe(3)
    const diagnosis = ofType(events, 'no_bids')[0].diagnosis
    expect(diagnosis.constraints[0]).toMatchObject({constraint: 'placement attribute region=eu-central', providers: 1})
    expect(diagnosis.relax[0]).toEqual({change: 'drop the placement attribute region=eu-central from the SDL', gain: 1})
    // No bids is not a success: the step fails, and the hint has no bare "(+1)" counts.
    expect(ofType(events, 'step').find((e) => e.step === 'bids' && e.status !== 'started')).toMatchObject({status: 'failed', message: 'No bids within 0 s'})
    expect(error!.hint).toBe('To get bids: drop the placement attribute region=eu-central from the SDL.')
  })

  it('names capacity when the providers that match are too small for the order', async () => {
    h = await harness([{owner: P1}])
    h.providers.get(P1)!.options.status = {cluster: {inventory: {available: {nodes: [{name: 'n', available: {cpu: 2000, memory: 8 * 2 ** 30, storage_ephemeral: 10 ** 11, gpu: 0}}]}}}}
    const file = join(mkdtempSync(join(tmpdir(), 'sdl-')), 'deploy.yaml')
    writeFileSync(file, readFileSync(h.options.file, 'utf8').replace('units: 0.1', 'units: 100'))
    const {error, events} = await h.run({file, bidTimeoutMs: 200})
    expect(error!.exitCode).toBe(3)
    expect(error!.message).toMatch(/needs 100 CPU; the largest provider has 2 CPU free/)
    expect(error!.hint).toMatch(/ask for less in the SDL's resources \(the order needs 100 CPU; the largest provider has 2 CPU free\)/)
    expect(ofType(events, 'no_bids')[0].diagnosis.verdicts[0]!.outcome).toBe('no_capacity')
  })

  it('closes the deployment when cancelled while collecting bids', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}, {owner: P2}])
    const controller = new AbortController()
    h.market.onBlock = (height) => {
      if (height === 102) controller.abort(new CancelledError())
    }
    const {error, events} = await h.run({signal: controller.signal, select: 'balanced'})
    expect(error).toBeInstanceOf(CancelledError)
    expect(h.market.deploymentsById.get(`${h.market.owner}/100`)!.state).toBe('closed')
    expect(ofType(events, 'deployment_closed')[0].reason).toBe('cancelled')
  })

  it('closes the deployment when the provider refuses the manifest, unless --keep', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.providers.get(P1)!.options.refuseManifest = 422
    const first = await h.run({})
    expect(first.error!.exitCode).toBe(5)
    expect(first.error!.message).toMatch(/manifest version mismatch/)
    expect(h.market.deploymentsById.get(`${h.market.owner}/100`)!.state).toBe('closed')
    const kept = await h.run({keep: true})
    expect(kept.error!.exitCode).toBe(5)
    const dseq = [...h.market.deploymentsById.values()].at(-1)!.id.dseq
    expect(h.market.deploymentsById.get(`${h.market.owner}/${dseq}`)!.state).toBe('active')
    expect(ofType(kept.events, 'warning').some((w) => w.message.includes('--keep'))).toBe(true)
  }, 60_000)

  it('fails fast and closes the deployment when the provider reports that the services cannot start', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}], {leaseStatus: {services: {web: {name: 'web', available: 0, total: 1, uris: [], ready_replicas: 0, available_replicas: 0}}, errors: ['web: image not found']}})
    // service_failed (not services_not_ready) shows it gave up on the errors, not on the timeout.
    const {error} = await h.run({readyTimeoutMs: 60_000})
    expect(error).toMatchObject({code: 'service_failed', exitCode: 7})
    expect(error!.message).toMatch(/image not found/)
    expect(h.market.deploymentsById.get(`${h.market.owner}/100`)!.state).toBe('closed')
  })

  it('tells a crashing service by its exit code and last log lines (exit 7), and hints only at what still works', async () => {
    const crashing = {
      services: {web: {name: 'web', available: 0, total: 1, uris: [], ready_replicas: 0, available_replicas: 0}},
      errors: ['web replica 0 exited with code 3 (restarted 1 time); last log lines: boom'],
      edge: {
        deploying: false,
        failures: [{service: 'web', replica: 0, reason: 'exited', message: 'web replica 0 exited with code 3 (restarted 1 time; next restart in 2 s)', exit_code: 3, restarts: 1, last_lines: ['starting', 'boom']}],
        warnings: [],
      },
    }
    h = await harness([{owner: P1, usdPerHour: 0.3}], {leaseStatus: crashing})
    const closed = await h.run({readyTimeoutMs: 60_000})
    expect(closed.error).toMatchObject({code: 'service_failed', exitCode: 7})
    expect(closed.error!.message).toMatch(/web replica 0 exited with code 3/)
    expect(closed.error!.message).toMatch(/Last log lines:\n  starting\n  boom/)
    // Closed: the provider's "next restart" will not happen, so the message does not promise it.
    expect(closed.error!.message).toMatch(/exited with code 3 \(restarted 1 time\)\n/)
    expect(closed.error!.message).not.toMatch(/next restart/)
    expect(closed.error!.details).toMatchObject({serviceExitCode: 3, failures: [{provider: P1, service: 'web', exitCode: 3, lastLines: ['starting', 'boom']}]})
    const closedHint = (closed.error as {hint?: string}).hint!
    // The deployment is closed: `edge logs 100` or `edge events 100` cannot work any more.
    expect(closedHint).toMatch(/was closed/)
    expect(closedHint).not.toMatch(/`edge (logs|events|status) \d+/)
    expect(closedHint).toMatch(/--keep/)
    expect(ofType(closed.events, 'step').find((e) => e.step === 'ready' && e.status === 'failed')!.message).toMatch(/exited with code 3/)

    const kept = await h.run({readyTimeoutMs: 60_000, keep: true})
    expect(kept.error).toMatchObject({code: 'service_failed', exitCode: 7})
    const dseq = [...h.market.deploymentsById.values()].at(-1)!.id.dseq
    expect(h.market.deploymentsById.get(`${h.market.owner}/${dseq}`)!.state).toBe('active')
    const keptHint = (kept.error as {hint?: string}).hint!
    expect(keptHint).toContain(`edge logs ${dseq}`)
    expect(keptHint).not.toMatch(/with --keep|rerun with --keep/)
    expect(kept.error!.message).toMatch(/next restart in 2 s/)
  })

  it('says how the provider runs the lease when it tells (host processes: image ignored, not isolated)', async () => {
    const status = {...READY_STATUS, edge: {runtime: {kind: 'process', engine: 'host processes', isolated: false, uses_images: false, terminal: false}, deploying: false, failures: [], warnings: ['web uses absolute paths (/results)']}}
    h = await harness([{owner: P1, usdPerHour: 0.3}], {leaseStatus: status})
    const {result, events} = await h.run({})
    expect(result!.leases[0]!.runtime).toMatchObject({kind: 'process', isolated: false, usesImages: false})
    expect(result!.leases[0]!.runtime!.summary).toMatch(/image is ignored.*not isolated/)
    expect(ofType(events, 'warning').map((w) => w.message)).toContain('web uses absolute paths (/results)')
  })

  it('keeps track of a deployment whose create transaction has an unknown outcome, and says how to close it', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.failNext.createDeployment = new ChainError('The local network failed creating the deployment: timed out waiting for tx', {code: 'chain_error'})
    const {error} = await h.run({})
    expect(error).toMatchObject({code: 'chain_error', exitCode: 6})
    expect(error!.hint).toMatch(/may still create deployment 100.*edge close 100/)
    // Not written off: the ledger still holds it as being created.
    expect(h.ledger.get('local', h.market.owner, 100n)).toMatchObject({state: 'creating', closeReason: expect.stringMatching(/outcome unknown/)})
  })

  it('writes off a deployment the chain refused to create', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.failNext.createDeployment = new ChainError('The chain refused creating the deployment: invalid deposit', {code: 'tx_failed'})
    const {error} = await h.run({})
    expect(error).toMatchObject({code: 'tx_failed'})
    expect(error!.hint ?? '').not.toMatch(/edge close/)
    expect(h.ledger.get('local', h.market.owner, 100n)!.state).toBe('failed')
  })

  it('finds the deployment of a retried run through its idempotency key instead of opening another', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const first = await h.run({idempotencyKey: 'ci-123', labels: {ci: 'yes'}})
    expect(first.result!.reused).toBe(false)
    const creates = h.market.txLog.filter((t) => t.kind === 'createDeployment').length
    const second = await h.run({idempotencyKey: 'ci-123'})
    expect(second.result!.reused).toBe(true)
    expect(second.result!.dseq).toBe(first.result!.dseq)
    expect(h.market.txLog.filter((t) => t.kind === 'createDeployment')).toHaveLength(creates)
    expect(h.market.txLog.filter((t) => t.kind === 'createLease')).toHaveLength(1)
    expect(second.result!.labels).toEqual({ci: 'yes'})
  })

  it('finds the deployment through the key on chain when this machine never saw it (a retried CI job on a fresh runner)', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const first = await h.run({idempotencyKey: 'ci-7', labels: {ci: 'yes'}})
    const create = h.market.txLog.find((t) => t.kind === 'createDeployment')!.args as {memo?: string}
    expect(create.memo).toMatch(/^edge idempotency-key sha256:[0-9a-f]{32}$/)
    expect(create.memo).not.toContain('ci-7')
    // A fresh machine: nothing in its ledger.
    const {Ledger} = await import('../../../src/services/ledger/ledger.js')
    const fresh = await Ledger.open(':memory:')
    const second = await h.run({idempotencyKey: 'ci-7', labels: {ci: 'yes'}}, {ledger: fresh})
    expect(second.error).toBeUndefined()
    expect(second.result).toMatchObject({reused: true, dseq: first.result!.dseq})
    expect(h.market.txLog.filter((t) => t.kind === 'createDeployment')).toHaveLength(1)
    expect(fresh.findByKey('local', h.market.owner, 'ci-7')).toMatchObject({dseq: first.result!.dseq, labels: {ci: 'yes'}})
    // Another key opens a new one.
    const third = await h.run({idempotencyKey: 'ci-8'}, {ledger: fresh})
    fresh.close()
    expect(third.result!.dseq).not.toBe(first.result!.dseq)
  })

  it('on a fresh machine too, refuses a key that belongs to a deployment of another manifest', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const first = await h.run({idempotencyKey: 'ci-10'})
    const {Ledger} = await import('../../../src/services/ledger/ledger.js')
    const fresh = await Ledger.open(':memory:')
    const {error} = await h.run({file: otherManifest(h), idempotencyKey: 'ci-10', ttlMs: 1000, labels: {run: 'other'}}, {ledger: fresh})
    // The other manifest's deployment is not recorded with this run's services, TTL and labels.
    const recorded = fresh.get('local', h.market.owner, first.result!.dseq)
    fresh.close()
    expect(error).toMatchObject({code: 'idempotency_conflict', exitCode: 2})
    expect(h.market.txLog.filter((t) => t.kind === 'createDeployment')).toHaveLength(1)
    expect(recorded).toBeUndefined()
  })

  it('goes on with a warning when the node cannot search transactions (no tx index)', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.txMemos = async () => {
      throw new Error('transaction indexing is disabled')
    }
    await h.run({idempotencyKey: 'ci-9'})
    const {Ledger} = await import('../../../src/services/ledger/ledger.js')
    const fresh = await Ledger.open(':memory:')
    const {result, events} = await h.run({idempotencyKey: 'ci-9'}, {ledger: fresh})
    fresh.close()
    expect(result!.reused).toBe(false)
    expect(events.some((e) => e.type === 'warning' && /indexing is disabled.*another machine/.test((e as {message: string}).message))).toBe(true)
  })

  it('resumes a keyed deployment that has no lease yet from the bids', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.failNext.createLease = new Error('lease tx timed out')
    const first = await h.run({idempotencyKey: 'k', keep: true})
    expect(first.error).toBeDefined()
    const second = await h.run({idempotencyKey: 'k'})
    expect(second.error).toBeUndefined()
    expect(second.result!.reused).toBe(true)
    expect(h.market.txLog.filter((t) => t.kind === 'createDeployment')).toHaveLength(1)
  })

  it('refuses an idempotency key that belongs to another manifest', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    await h.run({idempotencyKey: 'k2'})
    const {error} = await h.run({file: otherManifest(h), idempotencyKey: 'k2'})
    expect(error).toMatchObject({code: 'idempotency_conflict', exitCode: 2})
  })

  it('stops before creating anything when the wallet lacks ACT and minting is not allowed', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.balancesByAddr.get(h.market.owner)!.find((c) => c.denom === 'uact')!.amount = 1_000_000n
    const {error} = await h.run({})
    expect(error!.exitCode).toBe(4)
    expect(error!.hint).toMatch(/--mint/)
    expect(h.market.txLog).toHaveLength(0)
  })

  it('does not suggest --mint (nor ask) when the AKT in the wallet cannot pay for the mint (ux-test D33)', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const balances = h.market.balancesByAddr.get(h.market.owner)!
    balances.find((c) => c.denom === 'uact')!.amount = 1_000_000n
    balances.find((c) => c.denom === 'uakt')!.amount = 200_000n
    const asked: unknown[] = []
    const {error} = await h.run({}, {confirmMint: async (r: unknown) => (asked.push(r), true)})
    expect(error!.exitCode).toBe(4)
    expect(error!.hint).not.toMatch(/--mint|wallet mint/)
    expect(error!.message).toMatch(/would burn about [\d.]+ AKT plus fees while it holds 0\.2 AKT/)
    expect(asked).toEqual([])
    expect(h.market.txLog).toHaveLength(0)
  })

  it('mints ACT from AKT with --mint and waits for it before creating the deployment', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.balancesByAddr.get(h.market.owner)!.find((c) => c.denom === 'uact')!.amount = 1_000_000n
    const {result, events, error} = await h.run({mint: true})
    expect(error).toBeUndefined()
    expect(result!.state).toBe('ready')
    const mints = ofType(events, 'mint')
    expect(mints[0].status).toBe('submitted')
    expect(mints.at(-1)!.status).toBe('done')
    expect(h.market.txLog.map((t) => t.kind).slice(0, 2)).toEqual(['mintAct', 'createDeployment'])
  })

  it('records the SDL by its absolute path (edge receipt reads it again from any directory)', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const {result} = await h.run({file: relative(process.cwd(), HELLO)})
    expect(h.ledger.get('local', h.market.owner, result!.dseq)!.file).toBe(HELLO)
  })

  it('sets the deposit from --budget and records TTL and labels', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const {result} = await h.run({budgetUsd: 20n * 10n ** 18n, ttlMs: 3_600_000, labels: {team: 'a'}})
    expect(result!.deposit.amount).toBe(20_000_000n)
    expect(result!.budgetUsd).toBe('$20.00')
    const entry = h.ledger.get('local', h.market.owner, result!.dseq)!
    expect(entry.expiresAt).toBeGreaterThan(Date.now())
    expect(entry.labels).toEqual({team: 'a'})
  })

  it('runs nothing on chain with --dry-run and lists the matching providers', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}, {owner: P2}])
    const {result} = await h.run({dryRun: true})
    expect(result!.state).toBe('dry-run')
    expect(result!.matchingProviders!.map((p) => p.provider).sort()).toEqual([P1, P2].sort())
    expect(h.market.txLog).toHaveLength(0)
  })
})
