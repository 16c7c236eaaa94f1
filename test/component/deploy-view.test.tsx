import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import type {Bid} from '../../src/market/market.js'
import type {DeployEvent} from '../../src/services/deploy/events.js'
import {type ScoredBid, scoreBids} from '../../src/services/deploy/scoring.js'
import {BidPicker} from '../../src/ui/components/deploy/BidPicker.js'
import {DeployView} from '../../src/ui/components/deploy/DeployView.js'
import {DeployStore} from '../../src/ui/components/deploy/deploy-store.js'
import {bidView} from '../../src/services/deploy/bid-view.js'
import {CancelledError} from '../../src/errors.js'
import {Output} from '../../src/output/output.js'
import {deploySinks} from '../../src/ui/sinks/deploy.js'
import {mountView} from '../../src/ui/render.js'

const ARROW_DOWN = '\u001B[B'
const ARROW_UP = '\u001B[A'
const ENTER = '\r'
const ESC = '\u001B'
const tick = () => new Promise((r) => setTimeout(r, 30))

function scored(): ScoredBid[] {
  const make = (provider: string, usd: number, latency: number, region: string): Parameters<typeof scoreBids>[0][number] => {
    const perHour = BigInt(Math.round(usd * 1e6)) * 10n ** 18n
    const bid: Bid = {id: {owner: 'o', dseq: 5n, gseq: 1, oseq: 1, provider, bseq: 0}, state: 'open', price: {denom: 'uact', amount: perHour / 3600n}, createdAt: 1, resourcesOffer: []}
    return {bid, perHour, usdPerHour: BigInt(Math.round(usd * 1e6)) * 10n ** 12n, latency: {hostUri: 'h', p50Ms: latency, samples: 3, failures: 0}, auditors: [], hardware: 'n/a', gpus: [], region}
  }
  return scoreBids([make('akash1cheapcheapcheapcheap0001', 0.1, 90, 'us-east'), make('akash1fastfastfastfastfast0002', 0.3, 8, 'eu-west')], 'cheapest')
}

const ts = new Date().toISOString()
const step = (s: string, status: string, message: string, elapsedMs?: number): DeployEvent =>
  ({type: 'step', step: s, status, message, ts, ...(elapsedMs !== undefined ? {elapsedMs} : {})}) as DeployEvent

describe('BidPicker', () => {
  it('moves with the arrow keys and picks with Enter', async () => {
    const bids = scored().map((s) => bidView(s))
    let picked = -1
    const {stdin, lastFrame} = render(<BidPicker group="dcloud" bids={bids} onSelect={(i) => (picked = i)} onCancel={() => {}} />)
    await tick()
    expect(lastFrame()).toMatch(/❯ akash1chea/)
    expect(lastFrame()).toMatch(/PROVIDER\s+REGION\s+USD\/H\s+LATENCY\s+AUDITED\s+GPU\s+SCORE/)
    stdin.write(ARROW_DOWN)
    await tick()
    expect(lastFrame()).toMatch(/❯ akash1fast.*eu-west\s+\$0\.30\s+8 ms\s+no\s+-\s+33\.3/)
    stdin.write(ARROW_DOWN)
    await tick()
    stdin.write(ARROW_UP)
    await tick()
    stdin.write(ENTER)
    await tick()
    expect(picked).toBe(1)
  })

  it('cancels with Esc', async () => {
    let cancelled = false
    const {stdin} = render(<BidPicker group="g" bids={scored().map((s) => bidView(s))} onSelect={() => {}} onCancel={() => (cancelled = true)} />)
    await tick()
    stdin.write(ESC)
    await tick()
    expect(cancelled).toBe(true)
  })
})

describe('DeployView', () => {
  it('shows each step with its state and timing', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    const {lastFrame, unmount} = render(<DeployView store={store} />)
    store.apply(step('validate', 'started', 'Reading deploy.yaml'))
    store.apply(step('validate', 'succeeded', 'SDL 2.0: web', 12))
    store.apply({type: 'deployment_created', dseq: 42n, txHash: 'T', height: 43, ts})
    store.apply(step('bids', 'started', 'Waiting for bids (up to 30 s)'))
    store.apply({type: 'bid', provider: 'akash1p', gseq: 1, oseq: 1, bseq: 0, price: '$0.10/h', height: 44, ts})
    store.apply({type: 'warning', message: 'image busybox:latest is not pinned', ts})
    await tick()
    const frame = lastFrame()!
    expect(frame).toMatch(/Deploying deploy\.yaml to local \(dseq 42\)/)
    expect(frame).toMatch(/✔ Validate SDL\s+12 ms SDL 2\.0: web/)
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Collect bids/)
    expect(frame).toMatch(/1 bid; latest \$0\.10\/h from akash1p/)
    expect(frame).toMatch(/! image busybox:latest is not pinned/)
    unmount()
  })

  it('wraps a long step message between words under the message column, within the terminal', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    const {lastFrame, unmount} = render(<DeployView store={store} />)
    const message = 'Chose akash146rpm70g32q934jm0scfpaxgnpgl9h8qt9nd8w ($0.00148/h, 6 ms, score 90) after comparing every bid that came in time'
    store.apply(step('select', 'succeeded', message, 14_500))
    await tick()
    const frame = lastFrame()!.split('\n')
    const first = frame.findIndex((l) => l.includes('Choose a bid'))
    const lines = [frame[first]!, ...frame.slice(first + 1).filter((l) => /^\s/.test(l))]
    expect(lines.length, frame.join('\n')).toBeGreaterThan(1)
    // ink-testing-library's terminal is 100 columns wide.
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100)
    const column = lines[0]!.indexOf('Chose')
    for (const line of lines.slice(1)) expect(line.search(/\S/)).toBe(column)
    expect(lines.map((l) => l.trim()).join(' ')).toContain(message)
    unmount()
  })

  it('asks for a bid and resolves the flow with the one chosen by arrow keys', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    const {lastFrame, stdin, unmount} = render(<DeployView store={store} />)
    const bids = scored()
    store.apply(step('select', 'started', 'Choosing'))
    const answer = store.requestChoice({gseq: 1, groupName: 'dcloud', bids, rows: bids.map((s) => bidView(s)), excluded: [], strategy: 'cheapest'})
    await tick()
    // The group is named as a group: "for akash" alone read like the network (D30).
    expect(lastFrame()).toMatch(/Choose a bid for placement group dcloud/)
    // The step waits for the user: a question mark, not a spinner frozen over the open question (D5).
    expect(lastFrame()).toMatch(/^\? Choose a bid\s+\S+ ms Choosing/m)
    expect(lastFrame()).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/)
    stdin.write(ARROW_DOWN)
    await tick()
    stdin.write(ENTER)
    expect((await answer).bid.id.provider).toBe('akash1fastfastfastfastfast0002')
    await tick()
    expect(lastFrame()).not.toMatch(/Choose a bid for placement group/)
    unmount()
  })

  it('rejects the choice with a cancellation on Esc', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    const {stdin, unmount} = render(<DeployView store={store} />)
    const bids = scored()
    const answer = store.requestChoice({gseq: 1, groupName: 'dcloud', bids, rows: bids.map((s) => bidView(s)), excluded: [], strategy: 'balanced'})
    await tick()
    stdin.write(ESC)
    await expect(answer).rejects.toMatchObject({exitCode: 130})
    unmount()
  })

  it('asks whether to mint ACT', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    const {stdin, lastFrame, unmount} = render(<DeployView store={store} />)
    const answer = store.requestMint({shortfallUact: 4_500_000n, burnUakt: 2_300_000n, expectedUact: 10_000_000n})
    await tick()
    expect(lastFrame()).toMatch(/The wallet is 4\.5 ACT short\. Mint ACT by burning about 2\.3 AKT\?/)
    stdin.write('y')
    expect(await answer).toBe(true)
    await tick()
    // Answered, it stays as one line with the answer (ux-test D41).
    expect(lastFrame()).toMatch(/✔ The wallet is 4\.5 ACT short\. Mint ACT by burning about 2\.3 AKT\? yes/)
    expect(lastFrame()).not.toContain('(Y/n)')
    unmount()
  })
})

describe('an interrupted deploy (ux-test D29)', () => {
  const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/

  it('marks the running step cancelled on Ctrl-C, with no spinner left', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    const view = await deploySinks(store).view!()
    const {lastFrame} = render(view.element)
    view.apply(step('validate', 'succeeded', 'SDL 2.0: web', 12))
    view.apply(step('bids', 'started', 'Collect bids'))
    await tick()
    expect(lastFrame()).toMatch(SPINNER)
    view.end!({error: new CancelledError('Cancelled by SIGINT.')})
    await tick()
    expect(lastFrame()).not.toMatch(SPINNER)
    expect(lastFrame()).toMatch(/✖ .*Collect bids \(cancelled\)/)
    expect(lastFrame()).toMatch(/✔ .*SDL 2\.0: web/)
  })

  it('marks it failed (not cancelled) when the flow failed', async () => {
    const store = new DeployStore('deploy.yaml', 'local')
    store.apply(step('bids', 'started', 'Collect bids'))
    store.finish({error: {message: 'no bids'}})
    expect(store.getState().steps[0]![1]).toMatchObject({status: 'failed', message: 'Collect bids'})
  })

  it('a line written on stderr while the view is mounted goes above the frame through Ink, so the frame is not drawn twice', async () => {
    let written = ''
    const stream = Object.assign(new (await import('node:events')).EventEmitter(), {
      isTTY: true,
      columns: 80,
      rows: 24,
      write: (chunk: string) => {
        written += chunk
        return true
      },
    }) as unknown as NodeJS.WriteStream
    const out = new Output({mode: 'text', color: false, verbose: false, facts: {stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, ci: false}, stderr: stream})
    const store = new DeployStore('deploy.yaml', 'local')
    store.apply(step('bids', 'started', 'Collect bids'))
    const view = await deploySinks(store).view!()
    const mounted = await mountView(view.element, {stdout: stream, stderr: stream, aboveView: (write) => out.writeAboveView(write)})
    // The first frame must be on screen before the notice (Ink draws later on a busy machine).
    for (let i = 0; i < 200 && !written.includes('Deploying deploy.yaml'); i++) await tick()
    out.info('Received SIGINT: cleaning up.')
    await mounted.close()
    const notice = written.indexOf('Received SIGINT')
    expect(notice).toBeGreaterThan(0)
    // Ink erased its frame (two lines: the header and the step) right before the notice, and drew it again under it.
    const ERASE_LINE_UP = '\u001B[2K\u001B[1A'
    expect(written.slice(0, notice).endsWith(`${ERASE_LINE_UP}${ERASE_LINE_UP}\u001B[2K\u001B[G`)).toBe(true)
    expect(written.slice(notice)).toContain('Deploying deploy.yaml')
    // After the view is gone, Output writes to the stream itself again.
    written = ''
    out.info('after')
    expect(written).toBe('after\n')
  })
})
