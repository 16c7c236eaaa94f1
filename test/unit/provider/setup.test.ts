import {X509Certificate} from 'node:crypto'
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/errors.js'
import {verifyClientCertificate} from '../../../src/provider/auth/client-certificate.js'
import {DEFAULT_PRICING, listenAddress, validateProviderConfig} from '../../../src/provider/config/provider-config.js'
import {defaultCapacity, detectMachine} from '../../../src/provider/inventory/detect.js'
import {akashModelName, guessInterface, parseNvidiaSmi, vramGi} from '../../../src/provider/inventory/nvidia.js'
import {Sealer} from '../../../src/provider/state/sealing.js'
import {ProviderStore} from '../../../src/provider/state/store.js'
import {ensureServerCertificate, generateServerCertificate} from '../../../src/provider/tls/server-certificate.js'
import {OWNER, PROVIDER} from './fakes.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-provider-setup-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('machine detection', () => {
  const smi = [
    '0, GPU-5f6a1b2c-0000-0000-0000-000000000001, NVIDIA H100 80GB HBM3, 81559, 00000000:19:00.0',
    '1, GPU-5f6a1b2c-0000-0000-0000-000000000002, NVIDIA GeForce RTX 4090, 24564, 00000000:3B:00.0',
    '2, GPU-5f6a1b2c-0000-0000-0000-000000000003, NVIDIA A100-SXM4-40GB, 40960, 00000000:4C:00.0',
    '3, GPU-x, NVIDIA RTX A6000, 49140, 00000000:5D:00.0',
    '4, GPU-y, Tesla T4, 15360, 00000000:6E:00.0',
    '5, GPU-z, NVIDIA H100 PCIe, 81559, 00000000:7F:00.0',
  ].join('\n')

  it('reads nvidia-smi: model, VRAM and interface in Akash naming', () => {
    expect(parseNvidiaSmi(smi)).toEqual([
      {index: 0, uuid: 'GPU-5f6a1b2c-0000-0000-0000-000000000001', vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'},
      {index: 1, uuid: 'GPU-5f6a1b2c-0000-0000-0000-000000000002', vendor: 'nvidia', model: 'rtx4090', ram: '24Gi', interface: 'pcie'},
      {index: 2, uuid: 'GPU-5f6a1b2c-0000-0000-0000-000000000003', vendor: 'nvidia', model: 'a100', ram: '40Gi', interface: 'sxm'},
      {index: 3, uuid: 'GPU-x', vendor: 'nvidia', model: 'a6000', ram: '48Gi', interface: 'pcie'},
      {index: 4, uuid: 'GPU-y', vendor: 'nvidia', model: 't4', ram: '16Gi', interface: 'pcie'},
      {index: 5, uuid: 'GPU-z', vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'pcie'},
    ])
    expect(akashModelName('NVIDIA L40S')).toBe('l40s')
    expect(vramGi(143771)).toBe('141Gi')
    expect(guessInterface('NVIDIA H200')).toBe('pcie')
  })

  it('without nvidia-smi there are no GPUs, and a note says why', async () => {
    const facts = await detectMachine({
      exec: async () => {
        throw Object.assign(new Error('spawn nvidia-smi ENOENT'), {code: 'ENOENT'})
      },
      cpus: () => 8,
      totalMemory: () => 16 * 1024 ** 3,
      statfs: async () => ({bsize: 4096, blocks: 1000, bavail: 500}),
    })
    expect(facts).toMatchObject({cpuCores: 8, memoryBytes: 16n * 1024n ** 3n, diskFreeBytes: 2048000n, gpus: [], gpuNote: 'no NVIDIA driver (nvidia-smi not found)'})
    const cap = defaultCapacity(facts)
    expect(cap.cpuMillis).toBe(7000)
    expect(BigInt(cap.memoryBytes)).toBe(16n * 1024n ** 3n - (16n * 1024n ** 3n) / 10n)
  })

  it('detects GPUs through the same query Akash documents', async () => {
    let args: string[] = []
    const facts = await detectMachine({
      exec: async (_f, a) => {
        args = a
        return smi
      },
      cpus: () => 2,
      totalMemory: () => 1024 ** 3,
      statfs: async () => ({bsize: 1, blocks: 1, bavail: 1}),
    })
    expect(args).toEqual(['--query-gpu=index,uuid,name,memory.total,pci.bus_id', '--format=csv,noheader,nounits'])
    expect(facts.gpus).toHaveLength(6)
  })
})

describe('provider config', () => {
  const base = {name: 'default', hostUri: 'https://p.example.com:8443', capacity: {cpuMillis: 1000, memoryBytes: '1', storageBytes: '1'}}

  it('fills defaults and keeps money as decimal strings', () => {
    const c = validateProviderConfig(base)
    expect(c.pricing).toMatchObject({cpuCoreHour: DEFAULT_PRICING.cpuCoreHour})
    expect(c.bidding).toEqual({bidTimeoutS: 300, manifestTimeoutS: 300, withdrawIntervalS: 600, leaseFundsCheckIntervalS: 600, maxOpenBids: 0})
    expect(c.runtime.kind).toBe('docker')
  })

  it.each([
    [{hostUri: 'http://p.example.com'}, /must use https/],
    [{hostUri: 'nope'}, /not a URL/],
    [{pricing: {cpuCoreHour: 'cheap'}}, /pricing.cpuCoreHour/],
    [{runtime: {kind: 'vm'}}, /runtime.kind/],
    [{gateway: {certFile: '/x'}}, /given together/],
    [{runtime: {kind: 'docker', portRange: '9-1'}}, /not a range/],
    [{name: 'Bad Name'}, /not a valid provider name/],
    // These used to pass and fail at start: a NaN port (ERR_SOCKET_BAD_PORT) or a bare parse error.
    [{gateway: {listen: '0.0.0.0:https'}}, /gateway.listen "0.0.0.0:https" is not host:port/],
    [{ingress: {domain: 'x', listen: '::1'}}, /ingress.listen "::1" is not host:port/],
    [{ingress: {domain: 'x', listen: '127.0.0.1:70000'}}, /ingress.listen/],
    [{bidding: {deposit: 'half an akt'}}, /bidding.deposit "half an akt" is not an amount/],
    // As Akash's provider: periodic withdrawals must not come more often than the funds check.
    [{bidding: {withdrawIntervalS: 60, leaseFundsCheckIntervalS: 600}}, /bidding.withdrawIntervalS \(60\) must be 0 \(never\) or at least bidding.leaseFundsCheckIntervalS \(600\)/],
  ])('refuses %j', (patch, why) => {
    expect(() => validateProviderConfig({...base, ...patch})).toThrow(why)
  })

  it('takes withdrawals off (0) or as often as the funds check, whatever the check interval', () => {
    expect(validateProviderConfig({...base, bidding: {withdrawIntervalS: 0, leaseFundsCheckIntervalS: 600}}).bidding.withdrawIntervalS).toBe(0)
    expect(validateProviderConfig({...base, bidding: {withdrawIntervalS: 5, leaseFundsCheckIntervalS: 5}}).bidding.withdrawIntervalS).toBe(5)
  })

  it('reads reclamation rules (GPUs wanted back) and refuses a rule naming a GPU it does not have', () => {
    const gpus = [{index: 0, model: 'a100'}, {index: 1, model: 'a100'}]
    expect(validateProviderConfig({...base, capacity: {...base.capacity, gpus}}).reclamation.rules).toEqual([])
    const c = validateProviderConfig({...base, capacity: {...base.capacity, gpus}, reclamation: {window: '1h', rules: [{gpus: [1], reason: 'GPU wanted back'}, {gpus: 0}]}})
    expect(c.reclamation).toEqual({accept: true, windowS: 3600, rules: [{gpus: [1], reason: 'GPU wanted back'}, {gpus: [0], reason: 'unspecified'}]})
    expect(validateProviderConfig(JSON.parse(JSON.stringify(c)))).toEqual(c)
    expect(() => validateProviderConfig({...base, capacity: {...base.capacity, gpus}, reclamation: {rules: [{gpus: [7]}]}})).toThrow(/reclamation.rules\[0\].gpus.*GPU 7/)
    expect(() => validateProviderConfig({...base, reclamation: {rules: {gpus: [0]}}})).toThrow(/reclamation.rules/)
    expect(() => validateProviderConfig({...base, capacity: {...base.capacity, gpus}, reclamation: {rules: [{gpus: [0], when: 'x'}]}})).toThrow(/unknown key reclamation.rules\[0\].when/)
  })

  it('refuses a key it does not know, naming the one meant', () => {
    const typo = () => validateProviderConfig({...base, capacity: {cpuMilis: 4000}})
    expect(typo).toThrow(/unknown key capacity\.cpuMilis/)
    try {
      typo()
    } catch (error) {
      expect((error as UsageError).hint).toBe('Did you mean capacity.cpuMillis?')
    }
    expect(() => validateProviderConfig({...base, capacity: {gpus: [{model: 'a100', vram: '80Gi'}]}})).toThrow(/unknown key capacity\.gpus\[0\]\.vram/)
    expect(() => validateProviderConfig({...base, biding: {}})).toThrow(/unknown key biding/)
    // Free-form maps take any key.
    const c = validateProviderConfig({...base, attributes: {'region': 'eu', 'tier/x': 'y'}, pricing: {gpuHour: {'h100': '2.5'}}})
    expect(c.attributes).toEqual({region: 'eu', 'tier/x': 'y'})
    // What edge writes, it reads back.
    expect(validateProviderConfig(JSON.parse(JSON.stringify(c)))).toEqual(c)
  })

  it('reads listen addresses as host:port, [v6]:port or a bare port', () => {
    expect(listenAddress('127.0.0.1:8443')).toEqual({host: '127.0.0.1', port: 8443})
    expect(listenAddress('[::]:80')).toEqual({host: '::', port: 80})
    expect(listenAddress(':8080')).toEqual({host: '0.0.0.0', port: 8080})
    expect(listenAddress('8443')).toEqual({host: '0.0.0.0', port: 8443})
    expect(listenAddress('localhost')).toBeUndefined()
    const c = validateProviderConfig({...base, gateway: {listen: '[::1]:8443'}, ingress: {domain: 'x', listen: '0.0.0.0:0'}, bidding: {deposit: '500000uakt'}})
    expect(c.gateway.listen).toBe('[::1]:8443')
    expect(c.ingress.listen).toBe('0.0.0.0:0')
    expect(c.bidding.deposit).toBe('500000uakt')
  })
})

describe('state store', () => {
  it('keeps bids, leases and manifests across a reopen; manifests are sealed at rest', async () => {
    const path = join(dir, 'state.db')
    const sealer = new Sealer(new Uint8Array(32).fill(7), 'manifests')
    const store = await ProviderStore.open(path, {sealer})
    const reservation = {cpuMillis: 500n, memoryBytes: 1n, ephemeralBytes: 2n, persistentBytes: {beta2: 3n}, gpus: {1: [0]}}
    store.putBid({orderKey: `${OWNER}/1/1/1`, state: 'open', denom: 'uact', amount: 5n, reservation, gpus: {}, createdHeight: 9, createdAt: 1, updatedAt: 1})
    store.putLease({orderKey: `${OWNER}/1/1/1`, bseq: 0, state: 'running', denom: 'uact', amount: 5n, reservation, gpus: {}, wonAt: 2, wonHeight: 10, manifestDeadline: 3})
    store.putManifest({owner: OWNER, dseq: '1', version: 'ab', body: '[{"name":"dc","services":[{"env":["PASSWORD=hunter2"]}]}]', receivedAt: 4})
    store.close()

    const raw = readFileSync(path)
    expect(raw.includes(Buffer.from('hunter2'))).toBe(false)
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(Buffer.from('hunter2'))).toBe(false)

    const again = await ProviderStore.open(path, {sealer})
    expect(again.bid(`${OWNER}/1/1/1`)).toMatchObject({state: 'open', amount: 5n, reservation})
    expect(again.leasesOfDeployment(OWNER, '1')).toHaveLength(1)
    expect([again.countLeases(), again.countLeases(['running', 'failed']), again.countLeases(['closed'])]).toEqual([1, 1, 0])
    expect(again.manifest(OWNER, '1')?.body).toContain('hunter2')

    // A manifest is written with a full sync, also inside a transaction (where SQLite keeps the level).
    again.transaction(() => again.putManifest({owner: OWNER, dseq: '2', version: 'cd', body: '[]', receivedAt: 5}))
    expect(again.manifest(OWNER, '2')?.version).toBe('cd')
    again.close()

    const wrongKey = await ProviderStore.open(path, {sealer: new Sealer(new Uint8Array(32).fill(8), 'manifests')})
    expect(wrongKey.manifest(OWNER, '1')).toBeUndefined()
    wrongKey.close()
  })
})

describe('server certificate', () => {
  it('is Akash-shaped: P-256, CN = provider address, serial on chain; the key is never on disk in the clear', async () => {
    const published: string[] = []
    const chain = {
      state: new Map<string, 'valid' | 'revoked'>(),
      certificateState: async (_o: string, serial: string) => chain.state.get(serial) ?? ('missing' as const),
      publish: async (certPem: string, pubkeyPem: string) => {
        const c = new X509Certificate(certPem)
        chain.state.set(BigInt('0x' + c.serialNumber).toString(), 'valid')
        expect(pubkeyPem).toContain('BEGIN EC PUBLIC KEY')
        published.push(certPem)
      },
    }
    const sealer = new Sealer(new Uint8Array(32).fill(1), 'tls')
    const first = await ensureServerCertificate({dir, address: PROVIDER, hosts: ['provider.example.com'], sealer, chain})
    expect(first.source).toBe('generated')
    const x = new X509Certificate(first.certPem)
    expect(x.subject).toContain(`CN=${PROVIDER}`)
    expect(x.issuer).toContain(`CN=${PROVIDER}`)
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(x.checkHost('provider.example.com')).toBe('provider.example.com')
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain('PRIVATE KEY')

    const second = await ensureServerCertificate({dir, address: PROVIDER, hosts: ['provider.example.com'], sealer, chain})
    expect(second).toMatchObject({source: 'stored', serial: first.serial, keyPem: first.keyPem})
    expect(published).toHaveLength(1)

    // The chain lost it (edge dev reset): published again, same certificate.
    chain.state.clear()
    const third = await ensureServerCertificate({dir, address: PROVIDER, hosts: ['provider.example.com'], sealer, chain})
    expect(third.serial).toBe(first.serial)
    expect(published).toHaveLength(2)

    // Revoked on chain, or a new host: a new certificate.
    chain.state.set(first.serial, 'revoked')
    const fourth = await ensureServerCertificate({dir, address: PROVIDER, hosts: ['provider.example.com'], sealer, chain})
    expect(fourth.serial).not.toBe(first.serial)
    const fifth = await ensureServerCertificate({dir, address: PROVIDER, hosts: ['other.example.com'], sealer, chain})
    expect(fifth.serial).not.toBe(fourth.serial)
  })
})

describe('operator certificate files (gateway.certFile/keyFile)', () => {
  const never = {certificateState: async () => 'missing' as const, publish: async () => expect.fail('an operator certificate is never published')}
  const sealer = new Sealer(new Uint8Array(32).fill(1), 'tls')

  it('serves the pair as given, and names the file at fault otherwise', async () => {
    const a = await generateServerCertificate(PROVIDER, ['provider.example.com'])
    const b = await generateServerCertificate(PROVIDER, ['provider.example.com'])
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    }
    const use = (certFile: string, keyFile: string) => ensureServerCertificate({dir, address: PROVIDER, hosts: [], sealer, chain: never, files: {certFile, keyFile}})
    expect(await use(file('a.crt', a.certPem), file('a.key', a.keyPem))).toMatchObject({source: 'files', serial: a.serial})
    await expect(use(file('bad.crt', 'not a certificate'), join(dir, 'a.key'))).rejects.toThrow(/bad\.crt is not a PEM certificate/)
    await expect(use(join(dir, 'a.crt'), file('bad.key', 'not a key'))).rejects.toThrow(/bad\.key is not a PEM private key/)
    await expect(use(join(dir, 'a.crt'), file('b.key', b.keyPem))).rejects.toThrow(/b\.key is not the private key of .*a\.crt/)
    await expect(use(join(dir, 'a.crt'), join(dir, 'absent.key'))).rejects.toBeInstanceOf(UsageError)
  })
})

describe('client certificates (mTLS)', () => {
  it('accepts an on-chain certificate and names the problem otherwise', async () => {
    const good = await generateServerCertificate(OWNER, [])
    const other = await generateServerCertificate(OWNER, [])
    const lookup = async (owner: string, serial: string) =>
      owner === OWNER && serial === good.serial ? {state: 'valid' as const, certPem: good.certPem} : undefined
    expect(await verifyClientCertificate(new X509Certificate(good.certPem), lookup)).toEqual({ok: true, owner: OWNER})
    expect(await verifyClientCertificate(new X509Certificate(other.certPem), lookup)).toMatchObject({ok: false, message: expect.stringMatching(/not on chain/)})
    const revoked = async () => ({state: 'revoked' as const, certPem: good.certPem})
    expect(await verifyClientCertificate(new X509Certificate(good.certPem), revoked)).toMatchObject({ok: false, message: expect.stringMatching(/revoked/)})
    // Same serial on chain but another key: the presented certificate is not signed by it.
    const swapped = async () => ({state: 'valid' as const, certPem: other.certPem})
    expect(await verifyClientCertificate(new X509Certificate(good.certPem), swapped)).toMatchObject({ok: false, message: expect.stringMatching(/not signed/)})
    const notAddress = await generateServerCertificate('someone', [])
    expect(await verifyClientCertificate(new X509Certificate(notAddress.certPem), lookup)).toMatchObject({ok: false, message: expect.stringMatching(/common name/)})
    expect(await verifyClientCertificate(new X509Certificate(good.certPem), lookup, new Date(Date.now() + 400 * 86400_000))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid now/),
    })
  })
})
