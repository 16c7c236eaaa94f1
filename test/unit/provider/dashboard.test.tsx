import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import {EventHub, type ProviderEvent, type ProviderEventInput} from '../../../src/provider/events.js'
import {ReducerStore} from '../../../src/ui/live-view.js'
import {ProviderDashboard} from '../../../src/ui/components/provide/ProviderDashboard.js'
import {describeEvent, initialDashboard, reduceDashboard} from '../../../src/ui/components/provide/dashboard-state.js'

const order = 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh/42/1/1'
const script: ProviderEventInput[] = [
  {type: 'provider.started', address: 'akash1provider', network: 'local', hostUri: 'https://127.0.0.1:8443', gatewayUrl: 'https://127.0.0.1:8443', grpcUrl: 'https://127.0.0.1:8444', ingressUrl: 'http://127.0.0.1:8080', runtime: 'Podman Engine', attributes: [], resumedLeases: 0},
  {type: 'block', height: 10, openOrders: 3},
  {type: 'bid.skipped', order, reason: 'attributes', message: 'provider does not have region=eu-central'},
  {type: 'bid.placed', order, height: 11, orderHeight: 10, blocks: 1, ms: 950, txHash: 'AB'},
  {type: 'lease.won', lease: order, price: '1', denom: 'uact', manifestDeadline: '2026-01-01T00:00:00Z'},
  {
    type: 'stats',
    height: 12,
    ordersSeen: 3,
    bidsOpen: 1,
    bidsPlaced: 2,
    leasesWon: 1,
    leasesActive: 1,
    utilisation: {cpu: 0.5, memory: 0.25, storage: 0.1, gpu: 0},
    earningsUsdPerHour: '0.12',
  },
]

describe('provider dashboard', () => {
  it('folds events into counters, utilisation, earnings and an activity list', () => {
    const hub = new EventHub()
    const sub = hub.subscribe()
    let state = initialDashboard
    const collected: Array<Parameters<typeof reduceDashboard>[1]> = []
    void (async () => {
      for await (const e of sub) collected.push(e)
    })()
    for (const e of script) hub.emit(e)
    hub.end()
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        for (const e of collected) state = reduceDashboard(state, e)
        expect(state).toMatchObject({address: 'akash1provider', height: 12, ordersSeen: 3, bidsPlaced: 2, leasesActive: 1, earningsUsdPerHour: '0.12', lastBid: {blocks: 1, ms: 950}, skips: {attributes: 1}})
        expect(state.activity[0].text).toMatch(/lease won/)
        expect(state.activity.some((a) => /no bid on .*attributes — provider does not have region=eu-central/.test(a.text))).toBe(true)
        resolve()
      }, 10),
    )
  })

  it('renders the live view from the event stream', async () => {
    const store = new ReducerStore(initialDashboard, reduceDashboard)
    const {lastFrame, unmount} = render(<ProviderDashboard store={store} name="default" />)
    for (const e of script) store.apply({...e, ts: new Date().toISOString()} as ProviderEvent)
    await new Promise((r) => setTimeout(r, 50))
    const frame = lastFrame() ?? ''
    expect(frame).toContain('edge provide')
    expect(frame).toContain('akash1provider')
    expect(frame).toMatch(/bids placed\s+2/)
    expect(frame).toMatch(/cpu\s+█+░+ 50%/)
    expect(frame).toContain('$0.12/h')
    expect(frame).toContain('lease won')
    unmount()
  })

  it('describes every event a person needs to see, and stays silent on noise', () => {
    expect(describeEvent({ts: 't', type: 'block', height: 1, openOrders: 0})).toBeUndefined()
    expect(describeEvent({ts: 't', type: 'manifest.rejected', owner: 'akash1owner', dseq: '5', status: 422, message: 'manifest version validation failed'})).toMatchObject({kind: 'warn'})
    expect(describeEvent({ts: 't', type: 'gateway.auth_failed', path: '/x', status: 401, message: 'JWT is expired', detail: 'token expired at …'})?.text).toContain('JWT is expired')
    expect(describeEvent({ts: 't', type: 'lease.hostname_migrated', lease: order, hostname: 'shop.example.com'})?.text).toMatch(/^hostname shop\.example\.com moved to lease akash1qufa.*\/42\/1\/1$/)
    expect(reduceDashboard(initialDashboard, {...script[0], ts: 't'} as never).grpcUrl).toBe('https://127.0.0.1:8444')
  })
})

describe('provider dashboard: a chain outage (D38)', () => {
  it('says the chain is back after it said the chain is not answering', () => {
    const events: ProviderEvent[] = [
      {ts: '1', type: 'warning', message: 'the chain is not answering (connect ECONNREFUSED); leases keep running, retrying'},
      {ts: '2', type: 'chain.recovered', height: 120, downMs: 12_400},
    ]
    const state = events.reduce(reduceDashboard, initialDashboard)
    expect(state.activity[0]).toMatchObject({kind: 'good', text: 'the chain is back (block 120, after 12 s without it)'})
    expect(state.activity[1].text).toContain('not answering')
  })
})

describe('provider dashboard: reclamation', () => {
  it('lists leases being reclaimed with their deadline until they close', () => {
    const lease = 'akash1ownerxxxxxxxxxxxxxxxx/5/1/1'
    let state = reduceDashboard(initialDashboard, {type: 'lease.reclaiming', lease, deadline: '2026-12-07T12:00:00.000Z', reason: 'unspecified', note: 'GPU wanted back', ts: 't'})
    expect(state.reclaiming).toEqual([{lease, deadline: '2026-12-07T12:00:00.000Z', reason: 'GPU wanted back'}])
    expect(state.activity[0]).toMatchObject({kind: 'warn', text: expect.stringMatching(/reclaiming .* \(GPU wanted back\): closes at 2026-12-07T12:00:00.000Z/)})
    state = reduceDashboard(state, {type: 'lease.reclaimed', lease, deadline: '2026-12-07T12:00:00.000Z', height: 9, txHash: 'AB', ts: 't'})
    expect(state.reclaiming).toEqual([])
  })
})
