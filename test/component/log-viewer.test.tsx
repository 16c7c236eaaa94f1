import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import {LogViewer} from '../../src/ui/components/logs/LogViewer.js'
import {LogStore} from '../../src/ui/components/logs/log-store.js'

const tick = () => new Promise((r) => setTimeout(r, 40))

describe('LogViewer', () => {
  it('writes each finished line once and keeps a live status line under them', async () => {
    const store = new LogStore({batchMs: 5})
    const {frames, lastFrame, unmount} = render(<LogViewer store={store} title="deployment 9" />)
    expect(lastFrame()).toMatch(/Connecting to deployment 9/)
    store.push('web', 'first\n')
    store.push('db', 'second')
    await tick()
    store.push('web', 'third')
    await tick()
    // In the test renderer every frame repeats the static part; each line must be there once, in order.
    const last = lastFrame()!
    expect(last.match(/\[web\] first/g)).toHaveLength(1)
    expect(last.match(/\[db\] second/g)).toHaveLength(1)
    expect(last.indexOf('[web] first')).toBeLessThan(last.indexOf('[web] third'))
    expect(frames.length).toBeGreaterThan(1)
    expect(lastFrame()).toMatch(/deployment 9: 3 lines/)
    store.setStatus('reconnecting', 'connection reset')
    await tick()
    expect(lastFrame()).toMatch(/Reconnecting to deployment 9: connection reset/)
    unmount()
  })

  it('says it is connected while a followed service has logged nothing (ux-test D27)', async () => {
    const store = new LogStore({batchMs: 5})
    const {lastFrame, unmount} = render(<LogViewer store={store} title="deployment 52" />)
    store.setStatus('streaming')
    await tick()
    expect(lastFrame()).toBe('Connected to deployment 52; no log lines yet (Ctrl-C to stop)')
    unmount()
  })

  it('bounds memory by starting a new generation once the list is full', async () => {
    const store = new LogStore({batchMs: 1, maxLines: 3})
    const {unmount} = render(<LogViewer store={store} title="d" />)
    for (const m of ['a', 'b', 'c']) store.push('s', m)
    store.flush()
    store.push('s', 'd')
    store.flush()
    expect(store.getState()).toMatchObject({generation: 1, count: 4})
    expect(store.getState().lines.map((l) => l.message)).toEqual(['d'])
    await tick()
    unmount()
  })
})
