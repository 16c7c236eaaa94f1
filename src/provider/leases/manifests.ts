import {crossValidate, manifestVersionMatches, parseManifest} from '../manifest/verify.js'
import {parseOrderKey} from '../state/keys.js'
import type {LeaseManager, LeaseManagerOptions, SubmitResult} from './lease-manager.js'
import {ACTIVE_LEASE_STATES, liveLeases} from './live.js'

/**
 * `PUT /deployment/{dseq}/manifest`: 404 without a lease here, 422 for bad JSON, an invalid
 * manifest, a hash that differs from the deployment's on-chain version, or resources that differ
 * from the group specs. Stored before it answers; deployment runs in the background.
 */
export async function submitManifest(m: LeaseManager, o: LeaseManagerOptions, owner: string, dseq: bigint, body: string): Promise<SubmitResult> {
  const reject = (status: number, message: string): SubmitResult => {
    o.events.emit({type: 'manifest.rejected', owner, dseq: dseq.toString(), status, message})
    return {ok: false, status, message}
  }
  let leases = o.store.leasesOfDeployment(owner, dseq.toString()).filter((l) => ACTIVE_LEASE_STATES.includes(l.state))
  if (leases.length === 0) {
    // The tenant may be faster than our block watcher: ask the chain before refusing.
    const onChain = await liveLeases(o.market, {owner, dseq, provider: o.address}).catch(() => [])
    for (const l of onChain) await m.adopt(l)
    leases = o.store.leasesOfDeployment(owner, dseq.toString()).filter((l) => ACTIVE_LEASE_STATES.includes(l.state))
  }
  if (leases.length === 0) return reject(404, 'no lease for deployment')

  const parsed = parseManifest(body)
  if (!parsed.ok) return reject(422, parsed.message)
  const deployment = await o.market.deployment({owner, dseq})
  if (!deployment || deployment.state !== 'active') return reject(404, 'no lease for deployment')
  const version = manifestVersionMatches(body, parsed.manifest, deployment.hash)
  if (!version.ok) {
    return reject(422, 'manifest version validation failed: its SHA-256 differs from the deployment version on chain')
  }
  const mismatch = crossValidate(parsed.manifest, deployment.groups.map((g) => g.spec))
  if (mismatch) return reject(422, `manifest cross-validation error: ${mismatch}`)

  o.store.putManifest({owner, dseq: dseq.toString(), version: version.version, body, receivedAt: (o.now ?? Date.now)()})
  const refs: string[] = []
  for (const row of leases) {
    const groupName = deployment.groups.find((g) => g.id.gseq === parseOrderKey(row.orderKey).gseq)?.spec.name
    const group = parsed.manifest.find((g) => g.name === groupName)
    if (!group || !groupName) continue
    o.store.updateLease(row.orderKey, {groupName})
    refs.push(row.orderKey)
    void m.deploy({...row, groupName}, group, version.version)
  }
  o.events.emit({type: 'manifest.received', owner, dseq: dseq.toString(), version: version.version, leases: refs})
  return {ok: true, version: version.version, leases: refs}
}
