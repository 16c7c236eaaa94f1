import {getEventListeners} from 'node:events'

import {describe, expect, it} from 'vitest'

import {sleep as abortableSleep} from '../../../src/lib/sleep.js'

describe('abortableSleep', () => {
  it('leaves no abort listener behind once the time is up, however often it sleeps on one signal', async () => {
    const controller = new AbortController()
    for (let i = 0; i < 20; i++) await abortableSleep(1, controller.signal)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('ends at once when the signal aborts, and does not wait on an aborted signal', async () => {
    const controller = new AbortController()
    let done = false
    const sleeping = abortableSleep(60_000, controller.signal).then(() => (done = true))
    controller.abort()
    await sleeping
    expect(done).toBe(true)
    await abortableSleep(60_000, controller.signal)
  })
})
