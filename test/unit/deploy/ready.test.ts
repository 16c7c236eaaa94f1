import {describe, expect, it} from 'vitest'

import {ServiceFailedError} from '../../../src/errors.js'
import type {LeaseStatus} from '../../../src/provider-client/types.js'
import {type ReadyEvent, waitForServices} from '../../../src/services/deploy/ready.js'

const ref = {owner: 'o', provider: 'p', dseq: 5n, gseq: 1, oseq: 1}
const service = (ready: number) => ({web: {name: 'web', available: ready, total: 1, uris: [], ready_replicas: ready, available_replicas: ready, updated_replicas: 1, replicas: 1}})
const crash = {service: 'web', replica: 0, reason: 'exited', message: 'web replica 0 exited with code 3', exit_code: 3, restarts: 1, last_lines: ['boom']}

/** Polls answered one status after the other (the last one repeats). */
async function wait(statuses: LeaseStatus[], manifestVersion?: string) {
  let i = 0
  const events: ReadyEvent[] = []
  const gen = waitForServices({
    targets: [{key: 'p/1/1', provider: 'p', ref, client: {leaseStatus: async () => statuses[Math.min(i++, statuses.length - 1)]!}}],
    services: ['web'],
    dseq: 5n,
    ...(manifestVersion ? {manifestVersion} : {}),
    readyTimeoutMs: 60_000,
    intervalMs: 1,
    signal: new AbortController().signal,
    now: Date.now,
    sleep: async () => {},
    checkCancelled: () => {},
  })
  for (;;) {
    const next = await gen.next()
    if (next.done) return {events, polls: i}
    events.push(next.value)
  }
}

describe('waiting for the services (deploy and update)', () => {
  it('fails with exit 7, the exit code and the last lines once a failure shows in two polls in a row', async () => {
    const error = await wait([{services: service(0), edge: {deploying: false, failures: [crash], warnings: []}}]).catch((e) => e)
    expect(error).toBeInstanceOf(ServiceFailedError)
    expect(error.exitCode).toBe(7)
    expect(error.message).toBe('Service web failed: web replica 0 exited with code 3\nLast log lines:\n  boom')
    expect(error.details).toMatchObject({dseq: 5n, serviceExitCode: 3, failures: [{provider: 'p', service: 'web', replica: 0, exitCode: 3, restarts: 1, lastLines: ['boom']}]})
  })

  it('does not fail on one poll that caught a replica being replaced', async () => {
    const {polls} = await wait([{services: service(0), edge: {deploying: false, failures: [crash], warnings: []}}, {services: service(1), edge: {deploying: false, failures: [], warnings: []}}])
    expect(polls).toBe(2)
  })

  it('on update, waits for the new manifest and ignores what the provider says about the replicas it replaces', async () => {
    const {polls, events} = await wait(
      [
        // Still the old manifest, crash-looping: not the update's failure.
        {services: service(1), edge: {manifest_version: 'old', deploying: false, failures: [crash], warnings: []}},
        {services: service(1), edge: {manifest_version: 'new', deploying: true, failures: [crash], warnings: ['careful']}},
        {services: service(1), edge: {manifest_version: 'new', deploying: false, failures: [], warnings: ['careful']}},
      ],
      'new',
    )
    expect(polls).toBe(3)
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1)
    expect(events.at(-1)).toMatchObject({type: 'services', ready: true})
  })

  it('on update, fails when the new manifest crashes', async () => {
    const error = await wait([{services: service(0), edge: {manifest_version: 'new', deploying: false, failures: [crash], warnings: []}}], 'new').catch((e) => e)
    expect(error).toBeInstanceOf(ServiceFailedError)
  })

  it('reads plain errors from a provider without edge\'s extension', async () => {
    const error = await wait([{services: service(0), errors: ['web: image not found']}]).catch((e) => e)
    expect(error).toBeInstanceOf(ServiceFailedError)
    expect(error.message).toBe('The provider reports that the services fail: web: image not found')
  })
})
