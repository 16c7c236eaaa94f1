/**
 * The first run on a machine without a container engine or busybox: `edge dev start` with local
 * providers that run workloads as host processes, driven through the real binary with a PATH that
 * holds neither (test/helpers/no-engine-path.ts).
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type NoEnginePath, noEnginePath} from '../../helpers/no-engine-path.js'
import {EDGE_BIN, cleanEnv, spawnEdge} from '../../helpers/run-edge.js'
import {type HostDevMarket, startHostDevMarket, waitForHttp} from './dev-market.js'

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0

let path: NoEnginePath
let market: HostDevMarket
let started: Awaited<ReturnType<typeof startHostDevMarket>>['started']
let sdlDir: string

const activeDseqs = async (): Promise<string[]> => (await market.edge(['ls', '--json'])).json.result.map((r: {dseq: string}) => r.dseq)

beforeAll(async () => {
  path = noEnginePath()
  ;({market, started} = await startHostDevMarket(1, path.PATH))
  sdlDir = mkdtempSync(join(market.home.root, 'sdl-'))
  const hello = readFileSync('templates/hello/deploy.yaml', 'utf8')
  const withArgs = (args: string) => hello.replace(/command:[\s\S]*?expose:/, `command:\n      - sh\n      - -c\n    args:\n      - '${args}'\n    expose:`)
  writeFileSync(join(sdlDir, 'crash.yaml'), withArgs('echo boom >&2; exit 3'))
  // hello, also logging a numbered line every 200 ms (a host process must listen on $PORT to be ready).
  writeFileSync(join(sdlDir, 'ticker.yaml'), hello.replace('mkdir -p www', '(i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done) &\n        mkdir -p www'))
  // hello, naming a host path it would read.
  writeFileSync(join(sdlDir, 'paths.yaml'), hello.replace('mkdir -p www', 'cat /srv/edge-test-never-there 2>/dev/null; mkdir -p www'))
}, 300_000)

afterAll(async () => {
  await market?.stop()
  path?.cleanup()
}, 120_000)

describe('edge dev on a machine with Node and npm only (host processes, no busybox)', () => {
  it('edge dev start and edge dev status say up front that workloads are host processes: images ignored, no isolation', async () => {
    expect(started.json.result.localProviders[0].runtime).toBe('process')
    expect(started.stderr).toMatch(/workloads run as host processes \(no container engine answered\): images are ignored and workloads run on this machine without isolation/)
    const status = await market.edge(['dev', 'status'])
    expect(status.exitCode).toBe(0)
    expect(status.stdout).toMatch(/runtime:\s+host processes \(no container engine answered\)/)
    expect(status.stdout).toMatch(/local-1 akash1\S+ .*\(host processes\)/)
    const json = await market.edge(['dev', 'status', '--json'])
    expect(json.json.result.providers[0]).toMatchObject({name: 'local-1', runtime: 'process'})
  })

  it('deploys hello twice at once: each answers on its own URI, served by Node, and the result says how it runs', async () => {
    const first = await market.edge(['deploy', 'templates/hello', '--yes', '--json'])
    expect(first.exitCode, first.stdout + first.stderr).toBe(0)
    const second = await market.edge(['deploy', 'templates/hello', '--yes', '--json'])
    expect(second.exitCode, second.stdout + second.stderr).toBe(0)
    for (const r of [first, second]) {
      expect(r.json.result.leases[0].runtime).toMatchObject({kind: 'process', isolated: false, usesImages: false})
      expect(r.json.result.leases[0].runtime.summary).toMatch(/host processes \(the image is ignored; the workload is not isolated/)
    }
    expect(first.json.result.uris[0]).not.toBe(second.json.result.uris[0])
    // Both at once, and neither with busybox: this PATH has none, so the page says Node served it.
    const pages = await Promise.all([waitForHttp(first.json.result.uris[0]), waitForHttp(second.json.result.uris[0])])
    for (const page of pages) {
      expect(page.body).toContain('Hello from edge!')
      expect(page.body).toContain('Served by node')
    }
    // In text, the result says it too.
    const text = await market.edge(['deploy', 'templates/hello', '--yes'])
    expect(text.exitCode).toBe(0)
    expect(text.stdout).toMatch(/runtime:\s+host processes \(the image is ignored; the workload is not isolated from the provider's machine\)/)
    await market.edge(['close', first.json.result.dseq, second.json.result.dseq, /Deployment (\d+) is ready/.exec(text.stdout)![1]!])
  })

  it('fails a service that exits at once within seconds: exit 7, its exit code and last lines, nothing left open, hints that still work', async () => {
    const before = await activeDseqs()
    const r = await market.edge(['deploy', join(sdlDir, 'crash.yaml'), '--yes', '--json'])
    expect(r.exitCode, r.stdout).toBe(7)
    expect(r.json.error).toMatchObject({code: 'service_failed', exitCode: 7, details: {serviceExitCode: 3}})
    expect(r.json.error.message).toMatch(/web replica 0 exited with code 3/)
    expect(r.json.error.message).toMatch(/boom/)
    expect(r.json.error.details.failures[0].lastLines).toContain('boom')
    expect(r.json.error.hint).toMatch(/was closed/)
    expect(r.json.error.hint).not.toMatch(/`edge (logs|events|status) \d+/)
    // stdout is one envelope; the progress went to stderr.
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/Wait for services/)
    expect(await activeDseqs()).toEqual(before)

    const kept = await market.edge(['deploy', join(sdlDir, 'crash.yaml'), '--yes', '--json', '--keep'])
    expect(kept.exitCode).toBe(7)
    const dseq = String(kept.json.error.details.dseq)
    expect(kept.json.error.hint).toContain(`edge logs ${dseq}`)
    expect(kept.json.error.hint).not.toMatch(/--keep a failed|rerun with --keep/)
    // edge status says how it runs and what is wrong with it.
    const status = await market.edge(['status', dseq])
    expect(status.stdout).toMatch(/runtime:\s+host processes/)
    expect(status.stdout).toMatch(/web replica 0 exited with code 3.*last log lines: boom/)
    // The provider tells it in its events, with the back-off and the last lines.
    const events = await market.edge(['events', dseq, '--json'])
    expect(JSON.stringify(events.json.result.events)).toMatch(/exited with code 3.*restarting in \d+ s; last log lines: boom/)
    await market.edge(['close', dseq])
  })

  it('warns about absolute paths of a host process in the deploy result', async () => {
    const r = await market.edge(['deploy', join(sdlDir, 'paths.yaml'), '--yes', '--json'])
    expect(r.exitCode, r.stdout + r.stderr).toBe(0)
    expect(r.json.warnings.join(' ')).toMatch(/web uses absolute paths \(\/srv\/edge-test-never-there\): as a host process/)
    await market.edge(['close', r.json.result.dseq])
  })

  // Needs tmux for a terminal; reported as skipped (not passed) where it is missing.
  it.skipIf(!HAS_TMUX)('edge shell on a host-process lease works in line mode in a terminal', async () => {
    const r = await market.edge(['deploy', 'templates/hello', '--yes', '--json'])
    expect(r.exitCode).toBe(0)
    const dseq = r.json.result.dseq
    const session = `edge-shell-line-${process.pid}`
    const env = {...cleanEnv(), ...market.home.env, ...market.env, TERM: 'xterm-256color'}
    const envArgs = Object.entries({...market.home.env, ...market.env}).map(([k, v]) => `${k}=${v}`)
    const screen = async () => (await execa('tmux', ['capture-pane', '-p', '-t', session])).stdout
    const waitFor = async (re: RegExp) => {
      let last = ''
      for (let i = 0; i < 240; i++) {
        last = await screen()
        if (re.test(last)) return last
        await new Promise((res) => setTimeout(res, 250))
      }
      throw new Error(`screen never matched ${re}:\n${last}`)
    }
    const command = `env -u CI -u NO_COLOR ${envArgs.map((a) => `'${a}'`).join(' ')} '${process.execPath}' '${EDGE_BIN}' shell ${dseq}; echo EDGE_EXIT=$?; sleep 300`
    await execa('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '45', command], {env, extendEnv: false})
    try {
      await waitFor(/has no terminal: line mode/)
      await execa('tmux', ['send-keys', '-t', session, 'echo "hi from $PORT"', 'Enter'])
      // The prompt goes to stderr and may land before the output on the same line.
      const shown = await waitFor(/hi from \d+$/m)
      expect(shown).toMatch(/echo "hi from \$PORT"/)
      await execa('tmux', ['send-keys', '-t', session, 'cd www; ls', 'Enter'])
      expect(await waitFor(/^(\$ )*index\.html$/m)).not.toMatch(/job control/)
      await execa('tmux', ['send-keys', '-t', session, 'C-d'])
      expect(await waitFor(/EDGE_EXIT=\d+/)).toMatch(/EDGE_EXIT=0/)
    } finally {
      await execa('tmux', ['kill-session', '-t', session], {reject: false})
      await market.edge(['close', dseq])
    }
  })

  it('keeps the URI across a provider restart (edge ls shows it), and edge logs -f --tail N resumes after the last line shown', async () => {
    const hello = await market.edge(['deploy', 'templates/hello', '--yes', '--json'])
    expect(hello.exitCode).toBe(0)
    const ticker = await market.edge(['deploy', join(sdlDir, 'ticker.yaml'), '--yes', '--json'])
    expect(ticker.exitCode, ticker.stdout).toBe(0)
    const uri = hello.json.result.uris[0]
    await waitForHttp(uri)
    const follow = spawnEdge(['logs', ticker.json.result.dseq, '--follow', '--tail', '2', '--json'], {home: market.home, env: market.env})
    const lines: string[] = []
    let rest = ''
    let raw = ''
    follow.stdout!.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8')
      const parts = (rest + chunk.toString('utf8')).split('\n')
      rest = parts.pop() ?? ''
      for (const l of parts.filter(Boolean)) {
        const e = JSON.parse(l)
        if (e.type === 'log' && /^tick \d+$/.test(e.message)) lines.push(e.message)
      }
    })
    // Connected and streaming (the --tail lines and a few more) before the provider goes away.
    for (let i = 0; i < 240 && lines.length < 5; i++) await new Promise((res) => setTimeout(res, 250))
    expect(lines.length, `edge logs printed:\n${raw.slice(-3000)}`).toBeGreaterThanOrEqual(5)
    // Stop the local provider (its workloads keep running), then start it again as edge dev start does.
    const pid = Number(readFileSync(join(market.home.env.EDGE_DATA_DIR!, 'provider', 'local-1', 'provider.pid'), 'utf8'))
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0)
        await new Promise((res) => setTimeout(res, 100))
      } catch {
        break
      }
    }
    await new Promise((res) => setTimeout(res, 2000))
    const again = await market.edge(['dev', 'start', '--providers', '1', '--json'], {timeout: 240_000})
    expect(again.exitCode, again.stderr).toBe(0)
    expect((await waitForHttp(uri, 60_000)).body).toContain('Hello from edge!')
    const ls = await market.edge(['ls', '--json'])
    expect(ls.json.result.find((r: {dseq: string}) => r.dseq === hello.json.result.dseq).uris).toEqual([uri])
    // Lines kept coming while the provider was away; the stream shows each once, in order.
    const end = Date.now() + 60_000
    while (Date.now() < end && lines.length < 40) await new Promise((res) => setTimeout(res, 250))
    follow.kill('SIGINT')
    const ended = await follow
    const ticks = lines.map((m) => Number(/tick (\d+)/.exec(m)![1]))
    expect(ticks.length, `edge logs printed:\n${raw.slice(-3000)}\nstderr:\n${String(ended.stderr).slice(-3000)}`).toBeGreaterThanOrEqual(40)
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBe(ticks[i - 1]! + 1)
    await market.edge(['close', hello.json.result.dseq, ticker.json.result.dseq])
  })
})
