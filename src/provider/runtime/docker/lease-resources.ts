import type Docker from 'dockerode'

import {Labels, leaseFromLabels, leaseHash, leaseKey, leaseLabelFilters, leaseLabels, matchesLabelFilters} from '../labels.js'
import type {LeaseId, RunningLease, RuntimeEvent} from '../types.js'
import {statusCode} from './image-pull.js'

/** The engine objects a lease owns besides its containers: its network and volumes, found by label. */

/** Tells one event about the lease (the runtime stamps it). */
type Emit = (event: Omit<RuntimeEvent, 'ts' | 'lease'>) => void

export function networkName(lease: LeaseId): string {
  return `edge-${leaseHash(lease)}`
}

export async function ensureNetwork(docker: Docker, lease: LeaseId, emit: Emit): Promise<string> {
  const name = networkName(lease)
  try {
    await docker.getNetwork(name).inspect()
    return name
  } catch (error) {
    if (statusCode(error) !== 404) throw error
  }
  try {
    await docker.createNetwork({Name: name, Labels: leaseLabels(lease), CheckDuplicate: true})
    emit({type: 'network.created', severity: 'normal', reason: 'Created', message: `Created network ${name}`})
  } catch (error) {
    if (statusCode(error) !== 409) throw error
  }
  return name
}

export async function ensureVolume(docker: Docker, lease: LeaseId, service: string, name: string, storage: string, emit: Emit): Promise<void> {
  try {
    await docker.getVolume(name).inspect()
    return
  } catch (error) {
    if (statusCode(error) !== 404) throw error
  }
  try {
    await docker.createVolume({Name: name, Labels: {...leaseLabels(lease), [Labels.service]: service, [Labels.volume]: storage}})
    emit({type: 'volume.created', service, severity: 'normal', reason: 'Created', message: `Created volume ${name} for ${storage}`})
  } catch (error) {
    if (statusCode(error) !== 409) throw error
  }
}

export async function removeVolumes(docker: Docker, filters: {label: string[]}): Promise<void> {
  const result = await docker.listVolumes({filters})
  const mine = (result.Volumes ?? []).filter((v) => matchesLabelFilters(v.Labels ?? undefined, filters.label))
  await Promise.all(
    mine.map(async (v) => {
      try {
        await docker.getVolume(v.Name).remove({force: true})
      } catch (error) {
        if (statusCode(error) !== 404) throw error
      }
    }),
  )
}

export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getNetwork(name).remove()
  } catch (error) {
    if (statusCode(error) !== 404) throw error
  }
}

/** The leases that have containers here, from the containers' labels (a restarted provider's view). */
export async function listLeases(docker: Docker, labelFilters: string[]): Promise<RunningLease[]> {
  const label = labelFilters
  const containers = (await docker.listContainers({all: true, filters: {label}})).filter((c) => matchesLabelFilters(c.Labels, label))
  const byLease = new Map<string, RunningLease>()
  for (const c of containers) {
    const lease = leaseFromLabels(c.Labels)
    if (!lease) continue
    const key = leaseKey(lease)
    const entry = byLease.get(key) ?? {lease, group: c.Labels[Labels.group] ?? '', services: []}
    const version = c.Labels[Labels.manifestVersion]
    if (version && !entry.manifestVersion) entry.manifestVersion = version
    const service = c.Labels[Labels.service]
    if (service && !entry.services.includes(service)) entry.services.push(service)
    byLease.set(key, entry)
  }
  for (const entry of byLease.values()) entry.services.sort()
  return [...byLease.values()]
}

export async function leaseContainers(docker: Docker, lease: LeaseId): Promise<Docker.ContainerInfo[]> {
  const label = leaseLabelFilters(lease)
  const containers = await docker.listContainers({all: true, filters: {label}})
  return containers.filter((c) => matchesLabelFilters(c.Labels, label))
}

/**
 * Events a restarted provider cannot remember, rebuilt from the containers' own timestamps;
 * `remembered` is what the journal still holds for the lease.
 */
export async function historyFromEngine(docker: Docker, lease: LeaseId, remembered: RuntimeEvent[]): Promise<RuntimeEvent[]> {
  const known = new Set(remembered.map((e) => `${e.type}|${e.service}|${e.replica}`))
  const containers = await leaseContainers(docker, lease)
  const events: RuntimeEvent[] = []
  for (const c of containers) {
    const service = c.Labels?.[Labels.service]
    const replica = Number(c.Labels?.[Labels.replica] ?? 0)
    if (!service || known.has(`container.created|${service}|${replica}`)) continue
    const who = `${service} replica ${replica}`
    const base = {lease, service, replica}
    events.push({...base, type: 'container.created', ts: c.Created * 1000, severity: 'normal', reason: 'Created', message: `Created ${who}`})
    try {
      const info = await docker.getContainer(c.Id).inspect()
      const started = Date.parse(info.State.StartedAt)
      if (started > 0) events.push({...base, type: 'container.started', ts: started, severity: 'normal', reason: 'Started', message: `Started ${who}`})
      const finished = Date.parse(info.State.FinishedAt)
      if (!info.State.Running && finished > 0 && finished >= started) {
        const exitCode = info.State.ExitCode
        events.push({
          ...base,
          type: 'container.died',
          ts: finished,
          severity: exitCode === 0 ? 'normal' : 'warning',
          reason: exitCode === 0 ? 'Completed' : 'BackOff',
          message: `${who} exited with code ${exitCode}`,
          exitCode,
        })
      }
    } catch {
      // Removed meanwhile: its creation is all there is to say.
    }
  }
  return events
}
