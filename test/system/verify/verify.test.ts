/**
 * `edge verify` and `edge receipt` through the real binary against `edge dev` with two local
 * `edge provide` nodes running containers (Podman): local-1 tells the truth; local-2 is set to lie
 * (provider.yaml `dev.underProvision`: it bids its full capacity but gives each container half the
 * CPU and memory the lease pays for). Verify must pass on the first and name the difference on the
 * second; a receipt must verify, and a changed one must not.
 */
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Keystore} from '../../../src/config/keystore.js'
import {deriveKey} from '../../../src/config/mnemonic.js'
import {PAYLOAD_TYPE, secp256k1Signer} from '../../../src/verify/receipt/index.js'
import {signEnvelope} from '../../../src/verify/receipt/dsse.js'
import {type DevMarket, startDevMarket} from '../deploy/dev-market.js'

let market: DevMarket
let sdl: string

const byId = (checks: Array<{check: string; status: string; reason: string}>, id: string) => checks.filter((c) => c.check === id)

beforeAll(async () => {
  market = await startDevMarket(2)
  // Make local-2 a liar: stop it, add the dev option, start it again (edge dev start is idempotent).
  const dir = join(market.home.env.EDGE_DATA_DIR, 'provider', 'local-2')
  const pid = Number(readFileSync(join(dir, 'provider.pid'), 'utf8').trim())
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0)
      await new Promise((r) => setTimeout(r, 100))
    } catch {
      break
    }
  }
  writeFileSync(join(dir, 'provider.yaml'), readFileSync(join(dir, 'provider.yaml'), 'utf8') + 'dev:\n  underProvision:\n    cpu: 0.5\n    memory: 0.5\n')
  const restarted = await market.edge(['dev', 'start', '--providers', '2', '--json'], {timeout: 240_000})
  expect(restarted.exitCode, restarted.stdout + restarted.stderr).toBe(0)
  // A lease sized so that half of it is clearly less: 0.5 CPU, 256 MiB.
  sdl = join(market.home.root, 'verify.yaml')
  writeFileSync(sdl, readFileSync('templates/hello/deploy.yaml', 'utf8').replace('units: 0.1', 'units: 0.5').replace('size: 64Mi', 'size: 256Mi'))
}, 400_000)

afterAll(async () => {
  await market?.stop()
}, 120_000)

async function deployTo(region: string): Promise<string> {
  const r = await market.edge(['deploy', sdl, '--yes', '--json', '--region', region])
  expect(r.exitCode, r.stdout + r.stderr).toBe(0)
  return r.json.result.dseq
}

describe('edge verify on edge dev', () => {
  let honest: string
  let liar: string

  it('passes on a provider that gives what the lease pays for', async () => {
    honest = await deployTo('us-west')
    // demand.cpu is judged too, but on a machine shared with other work an honest container can be
    // starved of CPU time (which is what it measures), so the test requires what is deterministic.
    const r = await market.edge(['verify', honest, '--json', '--require', 'probe,memory'])
    expect(r.exitCode, r.stdout + r.stderr).toBe(0)
    const result = r.json.result
    expect(result.ok).toBe(true)
    for (const id of ['probe.cpu', 'probe.memory', 'demand.memory']) {
      expect(byId(result.checks, id).map((c) => c.status), id).toEqual(['pass'])
    }
    expect(byId(result.checks, 'demand.cpu')).toHaveLength(1)
    // edge dev answers the quote request with an explicit MOCK: reported as mock, never verified.
    expect(result.leases[0].attestation.mock).toBe(true)
    expect(byId(result.checks, 'mock.report')[0].status).toBe('mock')
    expect(byId(result.checks, 'mock.nonce')[0].status).toBe('mock')
  })

  it('--require tee fails on the MOCK with exit 5', async () => {
    const r = await market.edge(['verify', honest, '--json', '--require', 'tee', '--skip', 'demand'])
    expect(r.exitCode).toBe(5)
    expect(r.json.result.required).toEqual([expect.objectContaining({family: 'tee', ok: false})])
  })

  it('catches the provider that gives less, naming the difference', async () => {
    liar = await deployTo('eu-central')
    const r = await market.edge(['verify', liar, '--json'])
    expect(r.exitCode, r.stdout + r.stderr).toBe(5)
    const checks = r.json.result.checks
    const cpu = byId(checks, 'probe.cpu')[0]
    expect(cpu.status).toBe('fail')
    expect(cpu.reason).toMatch(/pays for 0\.5 CPU; the container's cgroup allows 0\.25/)
    const memory = byId(checks, 'probe.memory')[0]
    expect(memory.status).toBe('fail')
    expect(memory.reason).toMatch(/pays for 256 MiB of memory; the container's cgroup allows 128 MiB/)
    expect(byId(checks, 'demand.memory')[0].status).toBe('fail')
  })

  it('writes a receipt that verifies against the chain, and refuses a changed one', async () => {
    const file = join(market.home.root, 'receipt.json')
    const made = await market.edge(['receipt', honest, '--out', file, '--skip-verify', '--json'])
    expect(made.exitCode, made.stdout + made.stderr).toBe(0)
    const good = await market.edge(['receipt', 'verify', file, '--json'])
    expect(good.exitCode, good.stdout + good.stderr).toBe(0)
    expect(good.json.result.status).not.toBe('fail')
    const statuses = Object.fromEntries(good.json.result.checks.map((c: {check: string; status: string}) => [c.check, c.status]))
    expect(statuses).toMatchObject({'receipt.signature': 'pass', 'receipt.lease': 'pass', 'receipt.heights': 'pass', 'receipt.version': 'pass', 'receipt.price': 'pass'})

    // One field changed (the price), the signature kept: refused, and the signature is what failed.
    const envelope = JSON.parse(readFileSync(file, 'utf8'))
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'))
    statement.predicate.price.perBlock = '1'
    const tampered = join(market.home.root, 'tampered.json')
    writeFileSync(tampered, JSON.stringify({...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64')}))
    const bad = await market.edge(['receipt', 'verify', tampered, '--json'])
    expect(bad.exitCode).toBe(2)
    expect(bad.json.result.checks.find((c: {check: string}) => c.check === 'receipt.signature').status).toBe('fail')

    // Signed properly by the tenant, for a lease that never existed: the signature holds, the chain refuses it.
    const mnemonic = await new Keystore(join(market.home.env.EDGE_DATA_DIR, 'keys')).unlock('dev', '')
    const key = await deriveKey(mnemonic, 'akash')
    const invented = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'))
    invented.predicate.lease.dseq = '987654321'
    const forged = await signEnvelope(PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(invented)), secp256k1Signer(key.privkey))
    const never = join(market.home.root, 'never.json')
    writeFileSync(never, JSON.stringify(forged))
    const refused = await market.edge(['receipt', 'verify', never, '--json'])
    expect(refused.exitCode).toBe(2)
    const status = Object.fromEntries(refused.json.result.checks.map((c: {check: string; status: string}) => [c.check, c.status]))
    expect(status).toMatchObject({'receipt.signature': 'pass', 'receipt.signer': 'pass', 'receipt.lease': 'fail', 'receipt.version': 'fail'})
    expect(refused.json.result.checks.find((c: {check: string}) => c.check === 'receipt.lease').reason).toMatch(/987654321\/1\/1 ever existed/)
  })

  it('edge deploy --receipt writes a receipt once the services are ready', async () => {
    const file = join(market.home.root, 'deploy-receipt.json')
    const r = await market.edge(['deploy', sdl, '--yes', '--json', '--region', 'us-west', '--receipt', file])
    expect(r.exitCode, r.stdout + r.stderr).toBe(0)
    const checked = await market.edge(['receipt', 'verify', file, '--json'])
    expect(checked.exitCode, checked.stdout + checked.stderr).toBe(0)
    expect(checked.json.result.lease.dseq).toBe(r.json.result.dseq)
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(file, 'utf8')).payload, 'base64').toString('utf8'))
    // The manifest digest of the image the provider's container runs, as Podman reports it (the SDL pins none).
    expect(statement.predicate.images).toEqual([{service: 'web', image: 'busybox:1.36', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), digestSource: 'provider', digestOf: 'manifest'}])
    expect(statement.subject).toContainEqual({name: 'busybox:1.36', digest: {sha256: statement.predicate.images[0].digest.slice('sha256:'.length)}})
    expect(statement.predicate.sdl.name).toBe('verify.yaml')
    expect(statement.predicate.verify.checks.some((c: {check: string}) => c.check === 'probe.cpu')).toBe(true)
    expect(statement.predicate.attestation.status).toBe('mock')
  })

  it('edge deploy --redundant 2 runs the job on both providers and finds their outputs agree', async () => {
    // The earlier leases hold most of the small dev providers' capacity: free it so both can bid.
    expect((await market.edge(['close', '--all', '--yes', '--json'])).exitCode).toBe(0)
    const job = join(market.home.root, 'job.yaml')
    const hello = readFileSync('templates/hello/deploy.yaml', 'utf8')
    // A deterministic job: the numbers 0..999, one per line, then it serves (a job must not exit).
    writeFileSync(job, hello.replace('mkdir -p www', 'i=0; while [ $i -lt 1000 ]; do echo $i; i=$((i+1)); done > /tmp/result.txt; mkdir -p www'))
    const expected = createHash('sha256').update(Array.from({length: 1000}, (_, i) => `${i}\n`).join('')).digest('hex')
    const file = join(market.home.root, 'redundant-receipt.json')
    const r = await market.edge(['deploy', job, '--yes', '--json', '--redundant', '2', '--result-file', '/tmp/result.txt', '--result-timeout', '1m', '--receipt', file])
    expect(r.exitCode, r.stdout + r.stderr).toBe(0)
    const red = r.json.result.redundant
    expect(red.agreement).toMatchObject({n: 2, k: 2, status: 'unanimous', majority: expected})
    expect(new Set(red.runs.map((x: {provider: string}) => x.provider)).size).toBe(2)
    expect(red.check.status).toBe('pass')
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(file, 'utf8')).payload, 'base64').toString('utf8'))
    expect(statement.predicate.redundancy.status).toBe('unanimous')
    expect(statement.predicate.outputs).toHaveLength(2)
    expect(statement.subject.some((x: {name: string; digest: {sha256: string}}) => x.name.startsWith('output:') && x.digest.sha256 === expected)).toBe(true)
    const closed = await market.edge(['close', '--label', `edge.redundant=${red.id}`, '--yes', '--json'])
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0)
  })
})
