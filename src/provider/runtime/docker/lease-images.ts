import type Docker from 'dockerode'

import {ProviderError} from '../../../errors.js'
import {normalizeImage} from '../manifest-read.js'
import type {ManifestService} from '../manifest-types.js'
import type {ReplicaFailure, RuntimeEvent} from '../types.js'
import {ensureImage, errorMessage} from './image-pull.js'

type LeaseEvent = Omit<RuntimeEvent, 'ts' | 'lease'>

/**
 * The images a lease's services need, there before any of its containers is (re)created. An image
 * is pulled once at a time across leases (two leases asking for one image share its pull); every
 * step is an event of the lease that asked.
 */
export class LeaseImages {
  private readonly pulls = new Map<string, Promise<'present' | 'pulled'>>()

  constructor(
    private readonly docker: Docker,
    private readonly options: {timeoutMs?: number; idleTimeoutMs?: number} = {},
  ) {}

  /**
   * Resolves once every service's image is present. Otherwise hands the failures per service to
   * `onFailures`, then rejects: with the first ProviderError, or with one naming every failure.
   */
  async pull(services: ManifestService[], emitEvent: (e: LeaseEvent) => void, onFailures: (failures: ReplicaFailure[]) => void, signal?: AbortSignal): Promise<void> {
    const byImage = new Map<string, ManifestService>()
    for (const s of services) byImage.set(normalizeImage(s.image), s)
    const results = await Promise.allSettled(
      [...byImage].map(async ([image, service]) => {
        const emit = (e: LeaseEvent) => emitEvent({...e, image})
        let pull = this.pulls.get(image)
        if (!pull) {
          pull = ensureImage(this.docker, image, {
            credentials: service.credentials ?? null,
            ...(this.options.timeoutMs ? {timeoutMs: this.options.timeoutMs} : {}),
            ...(this.options.idleTimeoutMs ? {idleTimeoutMs: this.options.idleTimeoutMs} : {}),
            ...(signal ? {signal} : {}),
            onPullStarted: () => emit({type: 'image.pull.started', service: service.name, severity: 'normal', reason: 'Pulling', message: `Pulling image ${image}`}),
            onProgress: (p) =>
              emit({
                type: 'image.pull.progress',
                service: service.name,
                severity: 'normal',
                reason: 'Pulling',
                message: `${image}: ${p.status}`,
                ...(p.current !== undefined ? {current: p.current} : {}),
                ...(p.total !== undefined ? {total: p.total} : {}),
              }),
          }).finally(() => this.pulls.delete(image))
          this.pulls.set(image, pull)
        }
        try {
          const how = await pull
          emit(
            how === 'pulled'
              ? {type: 'image.pulled', service: service.name, severity: 'normal', reason: 'Pulled', message: `Pulled image ${image}`}
              : {type: 'image.present', service: service.name, severity: 'normal', reason: 'Pulled', message: `Image ${image} is already present`},
          )
        } catch (error) {
          emit({type: 'image.pull.failed', service: service.name, severity: 'warning', reason: 'Failed', message: errorMessage(error)})
          throw error
        }
      }),
    )
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed.length === 0) return
    const names = [...byImage.values()].map((svc) => svc.name)
    onFailures(results.flatMap((r, i) => (r.status === 'rejected' ? [{service: names[i] ?? '', reason: 'image_pull_failed' as const, message: errorMessage(r.reason), restarts: 0, lastLines: []}] : [])))
    const first = failed[0]?.reason
    if (first instanceof ProviderError) throw first
    throw new ProviderError(failed.map((f) => errorMessage(f.reason)).join('; '), {code: 'image_pull_failed'})
  }
}
