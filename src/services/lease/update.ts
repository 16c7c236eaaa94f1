/**
 * `edge update`: a new manifest for a running lease. Akash's MsgUpdateDeployment changes only the
 * version hash; the groups (resources, counts, prices, placement) are fixed when the order is
 * created. So an update whose groups equal the on-chain ones is sent (new hash on chain, then the
 * manifest to each provider), and one that changes them is refused with the list of changes.
 */
import type {NetworkContext} from '../../config/networks.js'
import {CancelledError, EdgeError, UsageError} from '../../errors.js'
import type {GroupSpec, ResourceUnit} from '../../market/market.js'
import {type Sdl, formatBytes, loadSdlFile, manifestSortedJson, manifestVersion, plainGroupSpecs, requireValid} from '../../sdl/index.js'
import {formatPerBlock} from '../../protocol/money.js'
import {sleep as abortableSleep} from '../../lib/sleep.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import {type ReadyEvent, waitForServices} from '../deploy/ready.js'
import {collectUris, summarizeServices} from '../deploy/status.js'
import type {DeployedService} from '../deploy/types.js'
import type {TenantContext} from './context.js'
import {activeLeases, requireDeployment} from './lease.js'
import {providerClient} from './provider-client.js'

export interface UpdateResult {
  dseq: bigint
  hash: string
  previousHash: string
  /** False when the hash was already on chain (the manifest is re-sent anyway). */
  changed: boolean
  txHash?: string
  height?: number
  providers: string[]
  /** `ready` once the provider runs the new manifest; `sent` with --no-wait. */
  state: 'ready' | 'sent'
  /** The services as the provider reports them after the update (with --no-wait: none). */
  services: DeployedService[]
  uris: string[]
  /** Milliseconds from sending the manifest until the new services were ready. */
  readyMs?: number
}

/** Progress of an update, for the command to show (stderr lines, JSONL events). */
export type UpdateEvent =
  | {type: 'step'; step: 'chain' | 'manifest' | 'ready'; status: 'started' | 'succeeded' | 'failed'; message: string; ts: string}
  | ReadyEvent

export interface UpdateOptions {
  /** Wait until the provider runs the new manifest (default true). */
  wait?: boolean
  readyTimeoutMs?: number
  signal?: AbortSignal
  onEvent?: (event: UpdateEvent) => void
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

const attrs = (list: ReadonlyArray<{key: string; value: string}>) => list.map((a) => `${a.key}=${a.value}`).sort().join(', ') || '(none)'

function unitText(r: ResourceUnit): string {
  return `cpu ${Number(r.cpuMillis) / 1000}, memory ${formatBytes(r.memoryBytes)}, storage ${r.storage.map((s) => formatBytes(s.bytes)).join('+') || '0'}, gpu ${r.gpu.units}, count ${r.count}`
}

/** Human-readable differences between the on-chain groups and the new SDL's groups. */
export function groupDifferences(current: readonly GroupSpec[], next: readonly GroupSpec[]): string[] {
  const diffs: string[] = []
  if (current.length !== next.length) diffs.push(`placement groups: ${current.length} → ${next.length}`)
  const byName = new Map(current.map((g) => [g.name, g]))
  for (const g of next) {
    const old = byName.get(g.name)
    if (!old) {
      diffs.push(`new placement group "${g.name}"`)
      continue
    }
    if (attrs(old.requirements.attributes) !== attrs(g.requirements.attributes)) {
      diffs.push(`group ${g.name}: placement attributes ${attrs(old.requirements.attributes)} → ${attrs(g.requirements.attributes)}`)
    }
    const sb = (s: GroupSpec) => JSON.stringify([[...s.requirements.signedBy.allOf].sort(), [...s.requirements.signedBy.anyOf].sort()])
    if (sb(old) !== sb(g)) diffs.push(`group ${g.name}: signedBy changed`)
    if (old.resources.length !== g.resources.length) diffs.push(`group ${g.name}: resource units ${old.resources.length} → ${g.resources.length}`)
    g.resources.forEach((r, i) => {
      const o = old.resources[i]
      if (!o) return
      if (unitText(o) !== unitText(r) || JSON.stringify(o.endpoints) !== JSON.stringify(r.endpoints) || attrs(o.gpu.attributes) !== attrs(r.gpu.attributes)) {
        diffs.push(`group ${g.name}, unit ${i + 1}: ${unitText(o)} → ${unitText(r)}${JSON.stringify(o.endpoints) !== JSON.stringify(r.endpoints) ? ' (exposed endpoints changed)' : ''}`)
      }
      if (o.price.amount !== r.price.amount || o.price.denom !== r.price.denom) {
        diffs.push(`group ${g.name}, unit ${i + 1}: price ${formatPerBlock(o.price.amount, o.price.denom)} → ${formatPerBlock(r.price.amount, r.price.denom)}`)
      }
    })
  }
  for (const g of current) if (!next.some((n) => n.name === g.name)) diffs.push(`placement group "${g.name}" removed`)
  return diffs
}

/** Reads and validates the new SDL; the command does it before unlocking the key. */
export async function loadUpdateSdl(file: string, network: NetworkContext): Promise<Sdl> {
  return requireValid(await loadSdlFile(file, {denom: network.depositDenom}), file)
}

/**
 * Puts the new version on chain, sends the manifest, then (unless `wait: false`) waits as deploy
 * does until each provider runs the new manifest: a new service that exits, crash-loops or whose
 * image cannot be pulled fails the update (exit 7) with what the provider saw. Nothing is closed:
 * the deployment was there before the update.
 */
export async function updateDeployment(ctx: TenantContext, dseq: bigint, file: string, validated?: Sdl, options: UpdateOptions = {}): Promise<UpdateResult> {
  const now = options.now ?? Date.now
  const ts = () => new Date(now()).toISOString()
  const emit = (e: UpdateEvent) => options.onEvent?.(e)
  const step = (s: 'chain' | 'manifest' | 'ready', status: 'started' | 'succeeded' | 'failed', message: string) => emit({type: 'step', step: s, status, message, ts: ts()})
  const sdl = validated ?? (await loadUpdateSdl(file, ctx.network))
  const deployment = await requireDeployment(ctx, dseq)
  if (deployment.state !== 'active') throw new UsageError(`Deployment ${dseq} is closed.`, {code: 'deployment_closed', hint: 'Deploy again with `edge deploy`.'})
  const next = plainGroupSpecs(sdl)
  const current = deployment.groups.map((g) => g.spec)
  const diffs = groupDifferences(current, next)
  if (diffs.length > 0) {
    throw new UsageError(`${file} changes what deployment ${dseq} rented, which an update cannot do: ${diffs.join('; ')}.`, {
      code: 'update_needs_new_order',
      hint: 'Resources, counts, prices and placement are fixed when the order is created. Revert those changes to update in place, or deploy the new SDL (`edge deploy`) and close this one.',
      details: {dseq, differences: diffs},
    })
  }
  const leases = await activeLeases(ctx, dseq)
  const version = manifestVersion(sdl)
  const previousHash = Buffer.from(deployment.hash).toString('hex')
  const changed = previousHash !== version.hex
  let tx: {txHash: string; height: number} | undefined
  if (changed) {
    step('chain', 'started', `Putting hash ${version.hex.slice(0, 12)}… on chain`)
    tx = await ctx.market.tx!.updateDeployment(dseq, version.bytes)
    step('chain', 'succeeded', `Hash on chain in block ${tx.height}`)
  }
  const json = manifestSortedJson(sdl)
  const services = Object.keys(sdl.model.services).sort()
  const providers = [...new Set(leases.map((l) => l.provider.owner))]
  step('manifest', 'started', `Sending the manifest to ${providers.join(', ')}`)
  for (const handle of leases.filter((l, i) => leases.findIndex((x) => x.provider.owner === l.provider.owner) === i)) {
    await handle.client.sendManifest(dseq, json)
  }
  step('manifest', 'succeeded', 'Manifest accepted')
  const entry = ctx.ledger.get(ctx.network.name, ctx.owner, dseq)
  if (entry) ctx.ledger.update(ctx.network.name, ctx.owner, dseq, {hash: version.hex, file, services})
  const base = {dseq, hash: version.hex, previousHash, changed, ...(tx ? {txHash: tx.txHash, height: tx.height} : {}), providers}
  if (options.wait === false) return {...base, state: 'sent', services: [], uris: []}

  step('ready', 'started', 'Waiting for the new services to start')
  const started = now()
  const signal = options.signal ?? new AbortController().signal
  // Tokens for the new manifest's services: it may add one the ledger did not know.
  const targets = leases.map((l) => ({
    key: `${l.provider.owner}/${l.ref.gseq}/${l.ref.oseq}`,
    provider: l.provider.owner,
    ref: l.ref,
    client: providerClient(ctx, l.provider, dseq, services),
  }))
  const wait = waitForServices({
    targets,
    services,
    dseq,
    manifestVersion: version.hex,
    readyTimeoutMs: options.readyTimeoutMs ?? 300_000,
    intervalMs: Math.max(200, Math.min(1000, Math.floor(ctx.network.blockTimeMs / 2))),
    signal,
    now,
    sleep: options.sleep ?? abortableSleep,
    checkCancelled: () => {
      if (signal.aborted) throw new CancelledError(`Stopped waiting; deployment ${dseq} has the new manifest and keeps running.`)
    },
  })
  let statuses: Map<string, LeaseStatus>
  try {
    for (;;) {
      const next = await wait.next()
      if (next.done) {
        statuses = next.value
        break
      }
      emit(next.value)
    }
  } catch (error) {
    if (error instanceof CancelledError) throw error
    step('ready', 'failed', (error as Error).message.split('\n')[0] ?? '')
    if (error instanceof EdgeError) {
      ;(error as {hint?: string}).hint =
        `Deployment ${dseq} stays open with the new manifest: see \`edge logs ${dseq}\` and \`edge events ${dseq}\`, then fix ${file} and run \`edge update ${dseq} ${file}\` again (or update with the previous SDL to go back).`
    }
    throw error
  }
  const ordered = targets.map((t) => statuses.get(t.key)).filter((s): s is LeaseStatus => Boolean(s))
  const {uris} = collectUris(ordered, targets.map((t) => leases.find((l) => l.provider.owner === t.provider)?.provider.hostUri))
  const servicesNow = summarizeServices(ordered)
  step('ready', 'succeeded', `${servicesNow.map((s) => `${s.name} ${s.ready}/${s.total}`).join(', ')} ready`)
  if (entry) ctx.ledger.update(ctx.network.name, ctx.owner, dseq, {uris})
  return {...base, state: 'ready', services: servicesNow, uris, readyMs: now() - started}
}
