import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type TestChain, startChain} from './chain.js'

let chain: TestChain

beforeAll(async () => {
  chain = await startChain()
  await chain.addProvider({usdPerHour: 0.3, region: 'us-west'})
  await chain.addProvider({usdPerHour: 0.2, region: 'eu-central'})
  await chain.addProvider({region: 'ap-south'})
}, 120_000)

afterAll(async () => {
  await chain?.stop()
})

const HELLO = 'templates/hello'

async function activeDeployments(): Promise<bigint[]> {
  const market = await chain.tenantMarket()
  try {
    return (await market.deployments(chain.tenant.address, 'active')).map((d) => d.id.dseq)
  } finally {
    await market.close()
  }
}

describe('edge deploy against a real edge dev chain (in-process)', () => {
  it('refuses to run without a way to choose a bid, before touching the chain', async () => {
    const {error, json} = await chain.edge('deploy', HELLO, '--json')
    expect(error?.oclif?.exit).toBe(2)
    expect(json.error.code).toBe('prompt_unavailable')
    expect(json.error.hint).toMatch(/--select/)
  })

  it('refuses a bad flag or a broken SDL before asking for a key (deploy, update, close)', async () => {
    // With no key anywhere, reaching the key would fail with no_key: these must fail first.
    const mnemonic = process.env.EDGE_MNEMONIC
    delete process.env.EDGE_MNEMONIC
    try {
      const ttl = await chain.edge('deploy', HELLO, '--yes', '--json', '--ttl', 'soon')
      expect(ttl.error?.oclif?.exit).toBe(2)
      expect(ttl.json.error.message).toMatch(/--ttl "soon" is not a duration/)
      const {mkdtempSync, writeFileSync} = await import('node:fs')
      const {join} = await import('node:path')
      const file = join(mkdtempSync(join(chain.dir, 'sdl-')), 'broken.yaml')
      writeFileSync(file, 'version: "2.0"\nservices: {}\n')
      const broken = await chain.edge('deploy', file, '--yes', '--output', 'jsonl')
      expect(broken.error?.oclif?.exit).toBe(2)
      const events = broken.stdout.trim().split('\n').map((l) => JSON.parse(l))
      expect(events[0]).toMatchObject({type: 'step', step: 'validate', status: 'started'})
      expect(events.at(-1)).toMatchObject({type: 'error', error: {code: 'sdl_invalid'}})
      // The lifecycle commands refuse bad input before the key, too.
      const update = await chain.edge('update', '7', file, '--json')
      expect(update.json.error.code).toBe('sdl_invalid')
      const close = await chain.edge('close', '--json')
      expect(close.json.error.code).toBe('close_nothing')
      const both = await chain.edge('close', '7', '--label', 'a=b', '--json')
      expect(both.error?.oclif?.exit).toBe(2)
      expect(both.json.error.message).toMatch(/DSEQs or --all\/--label\/--expired/)
      // A follow never ends on its own: with --json it streams JSONL, as --output jsonl does.
      const follow = await chain.edge('events', '7', '--follow', '--json')
      const streamed = follow.stdout.trim().split('\n').map((l) => JSON.parse(l))
      expect(streamed.at(-1)).toMatchObject({type: 'error', ok: false, error: {code: expect.any(String)}})
      const show = await chain.edge('providers', 'show', 'akash1nope', '--json')
      expect(show.error?.oclif?.exit).toBe(2)
      expect(show.json.error.message).toMatch(/"akash1nope" is not an address \(akash1…\)/)
    } finally {
      process.env.EDGE_MNEMONIC = mnemonic
    }
  })

  it('deploys with --yes --json: leases the best bid, sends the manifest, returns URIs, price and dseq', async () => {
    const {json, error, stdout, stderr} = await chain.edge('deploy', HELLO, '--select', 'cheapest', '--json', '--label', 'suite=cmd', '--ttl', '1h', '--budget', '2usd')
    expect(error).toBeUndefined()
    // A CI log sees the run move (short lines on stderr); stdout is the one JSON envelope.
    expect(stdout.trim().split('\n')).toHaveLength(1)
    for (const step of ['Create deployment', 'Collect bids', 'Send manifest', 'Wait for services']) expect(stderr).toContain(step)
    const r = json.result
    expect(r.state).toBe('ready')
    const cheap = chain.providers[1]
    expect(r.leases[0].provider).toBe(cheap.address)
    expect(r.leases[0].region).toBe('eu-central')
    expect(r.price.usdPerHour).toBe('$0.20')
    expect(r.uris).toEqual([`http://web-${cheap.address.slice(-6)}.ingress.test`])
    expect(r.labels).toEqual({suite: 'cmd'})
    // The provider got the exact manifest whose hash is on chain.
    const {createHash} = await import('node:crypto')
    expect(createHash('sha256').update(cheap.fake.manifests.at(-1)!).digest('hex')).toBe(r.hash)
    // How many blocks confirmation takes depends on the machine's load: bench/deploy measures it.
    expect(r.blocks.leased).toBeGreaterThan(r.blocks.created)
    expect(await activeDeployments()).toContain(BigInt(r.dseq))

    const ls = await chain.edge('ls', '--json', '--label', 'suite=cmd')
    expect(ls.json.result).toHaveLength(1)
    expect(ls.json.result[0]).toMatchObject({dseq: r.dseq, state: 'active', lease: 'active', provider: cheap.address, budgetUsd: '$2.00', labels: {suite: 'cmd'}})
    expect(ls.json.result[0].escrowLeft.denom).toBe('uact')

    const status = await chain.edge('status', r.dseq, '--json')
    expect(status.json.result.services).toEqual([{name: 'web', ready: 1, total: 1, uris: [`web-${cheap.address.slice(-6)}.ingress.test`]}])
    expect(status.json.result.leases[0].state).toBe('active')
    // Without a DSEQ, status means the only active deployment, or lists the candidates.
    const implicit = await chain.edge('status', '--json')
    if ((await activeDeployments()).length === 1) expect(implicit.json.result.dseq).toBe(r.dseq)
    else expect(implicit.json.error).toMatchObject({code: 'missing_dseq', exitCode: 2, message: expect.stringContaining(r.dseq)})

    const logs = await chain.edge('logs', r.dseq, '--json')
    const logLines = logs.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(logLines.filter((e) => e.type === 'log').map((e) => e.message)).toEqual(['listening on :8080'])
    // Every log line names its provider; the stream ends with the result, as --output jsonl does.
    expect(logLines.filter((e) => e.type === 'log').map((e) => e.provider)).toEqual([cheap.address])
    expect(logLines.at(-1)).toMatchObject({type: 'result', ok: true, result: {lines: 1}})

    const shell = await chain.edge('shell', r.dseq, '--json', '--', 'echo', 'hi')
    expect(shell.json.result).toMatchObject({exitCode: 0, stdout: 'hi\n', service: 'web'})

    const bids = await chain.edge('bids', r.dseq, '--json')
    expect(bids.json.result.settled.map((b: {state: string}) => b.state).sort()).toEqual(['active', 'lost'])

    const closed = await chain.edge('close', r.dseq, '--json')
    expect(closed.json.result.closed[0]).toMatchObject({dseq: r.dseq, outcome: 'closed'})
    const again = await chain.edge('close', r.dseq, '--json')
    expect(again.error).toBeUndefined()
    expect(again.json.result.closed[0]).toMatchObject({outcome: 'already_closed'})
  })

  it('edge ls shows the URI a lease answers at now, from its provider (a restarted provider may serve elsewhere: D8)', async () => {
    const {json} = await chain.edge('deploy', HELLO, '--yes', '--json', '--label', 'suite=uri')
    const dseq = json.result.dseq
    const provider = chain.providers.find((p) => p.address === json.result.leases[0].provider)!
    const before = provider.fake.options.leaseStatus
    const moved = `web-${provider.address.slice(-6)}.moved.test`
    provider.fake.options.leaseStatus = {services: {web: {name: 'web', available: 1, total: 1, uris: [moved], ready_replicas: 1, available_replicas: 1}}, forwarded_ports: {}}
    try {
      const ls = await chain.edge('ls', '--json', '--label', 'suite=uri')
      expect(ls.json.result[0].uris).toEqual([`http://${moved}`])
      const text = await chain.edge('ls', '--label', 'suite=uri')
      expect(text.stdout).toMatch(new RegExp(`^URIs:\\n  ${dseq}  http://${moved.replaceAll('.', '\\.')}$`, 'm'))
    } finally {
      provider.fake.options.leaseStatus = before
      await chain.edge('close', dseq)
    }
  })

  it('exits 3 with a diagnosis when the price cap excludes every bid, leaving nothing open', async () => {
    const before = await activeDeployments()
    const {json, error} = await chain.edge('deploy', HELLO, '--yes', '--json', '--max-price', '0.05usd/h', '--bid-timeout', '4s')
    expect(error?.oclif?.exit).toBe(3)
    expect(json.error.code).toBe('no_bids')
    expect(json.error.hint).toMatch(/raise --max-price \(\$0\.20\/h is the lowest ask\)/)
    const d = json.error.details.diagnosis
    expect(d.constraints).toContainEqual({constraint: 'your --max-price', kind: 'price_cap', providers: 2})
    expect(d.verdicts.find((v: {provider: string}) => v.provider === chain.providers[2].address).outcome).toBe('no_bid')
    expect(await activeDeployments()).toEqual(before)
  })

  it('streams JSONL step events with --output jsonl and ends with the result', async () => {
    const {stdout, error} = await chain.edge('deploy', HELLO, '--select', 'fastest', '--output', 'jsonl')
    expect(error).toBeUndefined()
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l))
    for (const e of events) expect(typeof e.ts).toBe('string')
    const types = events.map((e) => e.type)
    expect(types[0]).toBe('step')
    expect(types).toContain('deployment_created')
    expect(types).toContain('bid')
    expect(types).toContain('latency')
    expect(types).toContain('bids_scored')
    expect(types).toContain('lease_created')
    expect(types).toContain('manifest_sent')
    expect(types.at(-1)).toBe('result')
    const result = events.at(-1).result
    await chain.edge('close', result.dseq)
  })

  it('reuses the deployment of an idempotency key', async () => {
    const first = await chain.edge('deploy', HELLO, '--yes', '--json', '--idempotency-key', 'run-42')
    const second = await chain.edge('deploy', HELLO, '--yes', '--json', '--idempotency-key', 'run-42')
    expect(second.json.result.reused).toBe(true)
    expect(second.json.result.dseq).toBe(first.json.result.dseq)
    // A retried CI job on a fresh runner: an empty data dir (no ledger), the same key. The chain's
    // memo of the create transaction is what finds the deployment.
    const {mkdtempSync} = await import('node:fs')
    const {join} = await import('node:path')
    const dataDir = process.env.EDGE_DATA_DIR
    process.env.EDGE_DATA_DIR = mkdtempSync(join(chain.dir, 'fresh-runner-'))
    try {
      const third = await chain.edge('deploy', HELLO, '--yes', '--json', '--idempotency-key', 'run-42')
      expect(third.json.result).toMatchObject({reused: true, dseq: first.json.result.dseq})
      const other = await chain.edge('deploy', HELLO, '--yes', '--json', '--idempotency-key', 'run-43')
      expect(other.json.result.reused).toBe(false)
      await chain.edge('close', other.json.result.dseq)
    } finally {
      process.env.EDGE_DATA_DIR = dataDir
    }
    await chain.edge('close', first.json.result.dseq)
  })

  it('updates a running deployment in place, and refuses resource changes with the list of them', async () => {
    const {json} = await chain.edge('deploy', HELLO, '--yes', '--json')
    const dseq = json.result.dseq
    const {mkdtempSync, readFileSync, writeFileSync} = await import('node:fs')
    const {join} = await import('node:path')
    const dir = mkdtempSync(join(chain.dir, 'sdl-'))
    const original = readFileSync('templates/hello/deploy.yaml', 'utf8')
    writeFileSync(join(dir, 'image.yaml'), original.replace('busybox:1.36', 'busybox:1.37'))
    writeFileSync(join(dir, 'cpu.yaml'), original.replace('units: 0.1', 'units: 0.5'))
    try {
      const refused = await chain.edge('update', dseq, join(dir, 'cpu.yaml'), '--json')
      expect(refused.error?.oclif?.exit).toBe(2)
      expect(refused.json.error.code).toBe('update_needs_new_order')
      expect(refused.json.error.details.differences[0]).toMatch(/cpu 0\.1.*→ cpu 0\.5/)
      const deposit = await chain.edge('deposit', dseq, '1act', '--yes', '--json')
      expect(deposit.json.result.deposited.amount).toBe('1000000')
      const updated = await chain.edge('update', dseq, join(dir, 'image.yaml'), '--json')
      expect(updated.error).toBeUndefined()
      expect(updated.json.result).toMatchObject({dseq, changed: true})
      expect(updated.json.result.hash).not.toBe(json.result.hash)
      const provider = chain.providers.find((p) => p.address === json.result.leases[0].provider)!
      const {createHash} = await import('node:crypto')
      expect(createHash('sha256').update(provider.fake.manifests.at(-1)!).digest('hex')).toBe(updated.json.result.hash)
    } finally {
      await chain.edge('close', dseq)
    }
  })

  it('waits for the new services on update and fails it (exit 7, the exit code and last lines, nothing closed) when they crash', async () => {
    const {json} = await chain.edge('deploy', HELLO, '--yes', '--json')
    const dseq = json.result.dseq
    const provider = chain.providers.find((p) => p.address === json.result.leases[0].provider)!
    const {createHash} = await import('node:crypto')
    const {mkdtempSync, readFileSync, writeFileSync} = await import('node:fs')
    const {join} = await import('node:path')
    const dir = mkdtempSync(join(chain.dir, 'sdl-'))
    writeFileSync(join(dir, 'crash.yaml'), readFileSync('templates/hello/deploy.yaml', 'utf8').replace('<h1>Hello from edge!</h1>', '<h1>crash</h1>'))
    const before = provider.fake.options.leaseStatus
    const sent = provider.fake.manifests.length
    // The provider still reports the old manifest for a while, then the new one crashing.
    let asked = 0
    provider.fake.options.leaseStatus = (manifests: string[]) => {
      const version = createHash('sha256').update(manifests.at(-1)!).digest('hex')
      if (manifests.length === sent || ++asked < 3) return {...(before as object), edge: {manifest_version: 'old', deploying: true, failures: [], warnings: []}}
      return {
        services: {web: {name: 'web', available: 0, total: 1, uris: [], ready_replicas: 0, available_replicas: 0}},
        errors: ['web replica 0 exited with code 3'],
        edge: {manifest_version: version, deploying: false, failures: [{service: 'web', replica: 0, reason: 'exited', message: 'web replica 0 exited with code 3', exit_code: 3, restarts: 0, last_lines: ['boom']}], warnings: []},
      }
    }
    try {
      const updated = await chain.edge('update', dseq, join(dir, 'crash.yaml'), '--json')
      expect(updated.error?.oclif?.exit).toBe(7)
      expect(updated.json.error).toMatchObject({code: 'service_failed', exitCode: 7, details: {serviceExitCode: 3, failures: [{service: 'web', exitCode: 3, lastLines: ['boom']}]}})
      expect(updated.json.error.message).toMatch(/exited with code 3[\s\S]*boom/)
      expect(updated.json.error.hint).toContain(`edge logs ${dseq}`)
      // Progress went to stderr; stdout is the one envelope.
      expect(updated.stdout.trim().split('\n')).toHaveLength(1)
      expect(updated.stderr).toMatch(/Waiting for the new services/)
      // An update closes nothing: the deployment was there before it.
      const market = await chain.tenantMarket()
      try {
        expect((await market.deployment({owner: chain.tenant.address, dseq: BigInt(dseq)}))?.state).toBe('active')
      } finally {
        await market.close()
      }
    } finally {
      provider.fake.options.leaseStatus = before
      await chain.edge('close', dseq)
    }
  })

  it('closes by label and reports unknown deployments', async () => {
    const a = await chain.edge('deploy', HELLO, '--yes', '--json', '--label', 'batch=x')
    // Without a terminal, --label and --all close nothing unless --yes is given (D10).
    const byLabel = await chain.edge('close', '--label', 'batch=x', '--json')
    expect(byLabel.error?.oclif?.exit).toBe(2)
    expect(byLabel.json.error).toMatchObject({code: 'prompt_unavailable', hint: 'Pass --yes.'})
    const all = await chain.edge('close', '--all')
    expect(all.error?.oclif?.exit).toBe(2)
    expect(all.stderr).toContain('Pass --yes.')
    expect(await activeDeployments()).toContain(BigInt(a.json.result.dseq))
    const closed = await chain.edge('close', '--label', 'batch=x', '--yes', '--json')
    expect(closed.json.result.closed.map((c: {dseq: string}) => c.dseq)).toEqual([a.json.result.dseq])
    const missing = await chain.edge('close', '999999', '--json')
    expect(missing.error?.oclif?.exit).toBe(2)
    expect(missing.json.error.code).toBe('deployment_not_found')
  })

  it('flags a deployment past its TTL in edge ls, and edge close --expired closes it', async () => {
    const {json} = await chain.edge('deploy', HELLO, '--yes', '--json', '--ttl', '2s', '--label', 'ttl=short')
    const dseq = json.result.dseq
    await new Promise((r) => setTimeout(r, 2500))
    const ls = await chain.edge('ls', '--json', '--label', 'ttl=short')
    expect(ls.json.result[0]).toMatchObject({dseq, expired: true})
    expect(ls.json.result[0].flags).toContain('expired')
    const closed = await chain.edge('close', '--expired', '--json')
    expect(closed.json.result.closed).toEqual([expect.objectContaining({dseq, outcome: 'closed', reason: 'ttl expired'})])
    expect(await activeDeployments()).not.toContain(BigInt(dseq))
  })

  it('mints ACT from AKT and waits for the BME epoch', async () => {
    const before = await chain.edge('wallet', 'balance', '--json')
    const {json, error} = await chain.edge('wallet', 'mint', '20akt', '--yes', '--json')
    expect(error, JSON.stringify(json)).toBeUndefined()
    expect(json.result.burnedUakt).toBe('20000000')
    expect(BigInt(json.result.mintedUact)).toBeGreaterThan(0n)
    const uact = (r: {json?: {result: {balances: Array<{denom: string; amount: string}>}}}) => BigInt(r.json!.result.balances.find((b) => b.denom === 'uact')!.amount)
    const after = await chain.edge('wallet', 'balance', '--json')
    expect(uact(after) - uact(before)).toBe(BigInt(json.result.mintedUact))
  })

  it('lists providers with their region and measured latency', async () => {
    const {json} = await chain.edge('providers', '--probe', '--json')
    expect(json.result.map((p: {address: string}) => p.address).sort()).toEqual(chain.providers.map((p) => p.address).sort())
    for (const p of json.result) expect(p.latency.samples).toBeGreaterThan(0)
    const eu = await chain.edge('providers', '--region', 'eu', '--json')
    expect(eu.json.result.map((p: {region: string}) => p.region)).toEqual(['eu-central'])
    const show = await chain.edge('providers', 'show', chain.providers[0].address, '--json')
    expect(show.json.result).toMatchObject({address: chain.providers[0].address, region: 'us-west', tls: {mode: 'chain'}})
  })
})
