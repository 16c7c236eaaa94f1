import {PassThrough} from 'node:stream'

import type Docker from 'dockerode'
import {describe, expect, it} from 'vitest'

import {EngineEventWatcher, runtimeEventFromEngine} from '../../../../src/provider/runtime/docker/engine-events.js'
import {EventJournal} from '../../../../src/provider/runtime/event-journal.js'
import {Labels, leaseLabels} from '../../../../src/provider/runtime/labels.js'
import type {RuntimeEvent} from '../../../../src/provider/runtime/types.js'
import {lease} from './fixtures.js'

const attributes = {...leaseLabels(lease), [Labels.service]: 'web', [Labels.replica]: '1', name: 'edge-x'}

describe('engine events', () => {
  it('maps container actions to lease events with Kubernetes reasons', () => {
    const die = runtimeEventFromEngine({Type: 'container', Action: 'die', timeNano: 1_700_000_000_123_000_000, Actor: {ID: 'c1', Attributes: {...attributes, exitCode: '3'}}})
    expect(die).toMatchObject({type: 'container.died', lease, service: 'web', replica: 1, exitCode: 3, severity: 'warning', reason: 'BackOff', ts: 1_700_000_000_123})
    expect(runtimeEventFromEngine({Type: 'container', Action: 'start', time: 5, Actor: {Attributes: attributes}})).toMatchObject({type: 'container.started', reason: 'Started', ts: 5000})
    // Docker says destroy, Podman says remove.
    expect(runtimeEventFromEngine({Action: 'destroy', Actor: {Attributes: attributes}})?.type).toBe('container.removed')
    expect(runtimeEventFromEngine({Action: 'remove', Actor: {Attributes: attributes}})?.type).toBe('container.removed')
  })

  it('ignores objects that are not lease containers and actions it does not report', () => {
    expect(runtimeEventFromEngine({Type: 'container', Action: 'start', Actor: {Attributes: {name: 'other'}}})).toBeUndefined()
    expect(runtimeEventFromEngine({Type: 'image', Action: 'pull', Actor: {Attributes: attributes}})).toBeUndefined()
    expect(runtimeEventFromEngine({Type: 'container', Action: 'exec_start', Actor: {Attributes: attributes}})).toBeUndefined()
  })
})

describe('the engine event watcher', () => {
  it('passes on only the events of its own containers: Podman ORs label filters, so another provider on the same engine sees ours', async () => {
    const stream = new PassThrough()
    const docker = {getEvents: async () => stream} as unknown as Docker
    const seen: Array<{id: string | undefined; provider: string}> = []
    const filters = [`${Labels.managed}=true`, `${Labels.provider}=${lease.provider}`]
    const watcher = new EngineEventWatcher(docker, {labelFilters: filters, onEvent: (e, id) => seen.push({id, provider: e.lease.provider})})
    await watcher.start()
    const other = {...leaseLabels({...lease, provider: 'akash1otherprovider'}), [Labels.service]: 'web', [Labels.replica]: '0'}
    stream.write(`${JSON.stringify({Type: 'container', Action: 'die', Actor: {ID: 'theirs', Attributes: {...other, exitCode: '3'}}})}\n`)
    stream.write(`${JSON.stringify({Type: 'container', Action: 'die', Actor: {ID: 'ours', Attributes: {...attributes, exitCode: '3'}}})}\n`)
    await new Promise((r) => setImmediate(r))
    watcher.stop()
    // Restarting the other provider's container would double its restarts and ignore its back-off.
    expect(seen).toEqual([{id: 'ours', provider: lease.provider}])
  })
})

describe('EventJournal', () => {
  const event = (ts: number, service?: string): RuntimeEvent => ({
    type: 'container.started',
    ts,
    lease,
    severity: 'normal',
    reason: 'Started',
    message: 'x',
    ...(service ? {service} : {}),
  })

  it('replays history merged by time, then follows new events of the wanted services', async () => {
    const journal = new EventJournal()
    journal.emit(event(30, 'web'))
    journal.emit(event(40, 'db'))
    const controller = new AbortController()
    const seen: number[] = []
    const done = (async () => {
      for await (const e of journal.stream(lease, {follow: true, services: ['web'], signal: controller.signal}, [event(10, 'web')])) {
        seen.push(e.ts)
        if (seen.length === 3) controller.abort()
      }
    })()
    await new Promise((r) => setTimeout(r, 5))
    journal.emit(event(50, 'db'))
    journal.emit(event(60))
    await done
    expect(seen).toEqual([10, 30, 60])
  })

  it('keeps a bounded history per lease and forgets a removed lease', async () => {
    const journal = new EventJournal(2)
    for (const ts of [1, 2, 3]) journal.emit(event(ts))
    expect(journal.history(lease).map((e) => e.ts)).toEqual([2, 3])
    journal.forget(lease)
    const all: RuntimeEvent[] = []
    for await (const e of journal.stream(lease)) all.push(e)
    expect(all).toEqual([])
  })
})
