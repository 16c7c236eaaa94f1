import {secp256k1} from '@noble/curves/secp256k1'
import {sha256} from '@noble/hashes/sha256'
import {describe, expect, it} from 'vitest'

import type {VerifyCheck} from '../../../../src/verify/check.js'
import {
  type DsseEnvelope,
  PREDICATE_TYPE,
  type ReceiptStatement,
  addressOf,
  createReceipt,
  decodeStatement,
  pae,
  serializeReceipt,
  verifyReceipt,
} from '../../../../src/verify/receipt/index.js'
import {PROVIDER, TENANT_MNEMONIC, VERSION, fakeChain, honestChain, keys, receiptInput} from './fixtures.js'

const byId = (checks: VerifyCheck[], id: string) => checks.find((c) => c.check === id)
const statusOf = (checks: VerifyCheck[]) => Object.fromEntries(checks.map((c) => [c.check, c.status]))

/** The statement of an envelope, edited by `edit`, put back WITHOUT signing again. */
function tamper(envelope: DsseEnvelope, edit: (s: ReceiptStatement) => void): DsseEnvelope {
  const statement = decodeStatement(envelope) as ReceiptStatement
  edit(statement)
  return {...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64')}
}

/** Signs a statement's bytes with any key, as a forger would (DSSE's PAE, ECDSA over SHA-256). */
function forge(statement: ReceiptStatement, privkey: Uint8Array, keyid: string): DsseEnvelope {
  const payload = new TextEncoder().encode(JSON.stringify(statement))
  const sig = secp256k1.sign(sha256(pae('application/vnd.in-toto+json', payload)), privkey).toCompactRawBytes()
  return {payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(payload).toString('base64'), signatures: [{keyid, sig: Buffer.from(sig).toString('base64')}]}
}

async function setup() {
  const k = await keys()
  const envelope = await createReceipt(receiptInput(k.tenant.address), k.tenantSigner)
  const chain = honestChain(k.tenant.address, k.tenant.pubkey)
  return {...k, envelope, state: chain, chain: fakeChain(chain)}
}

describe('receipts: signing', () => {
  it('uses DSSE v1 pre-authentication encoding (the spec example)', () => {
    expect(new TextDecoder().decode(pae('http://example.com/HelloWorld', new TextEncoder().encode('hello world')))).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world')
  })

  it('writes an in-toto Statement v1 with digests as subjects, signed by the tenant (keyid = its address)', async () => {
    const {envelope, tenant} = await setup()
    const statement = decodeStatement(envelope) as ReceiptStatement
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json')
    expect(envelope.signatures).toEqual([{keyid: tenant.address, sig: expect.any(String)}])
    expect(Buffer.from(envelope.signatures[0].sig, 'base64')).toHaveLength(64)
    expect(statement._type).toBe('https://in-toto.io/Statement/v1')
    expect(statement.predicateType).toBe(PREDICATE_TYPE)
    expect(statement.subject.map((s) => s.name)).toEqual(['manifest', 'sdl:deploy.yaml', 'ghcr.io/example/job', 'output:result.json'])
    expect(statement.subject[0].digest).toEqual({sha256: VERSION})
    expect(statement.predicate).toMatchObject({
      tenant: {address: tenant.address, pubkey: Buffer.from(tenant.pubkey).toString('base64')},
      lease: {owner: tenant.address, dseq: '1234', gseq: 1, oseq: 1, provider: PROVIDER},
      price: {denom: 'uact', perBlock: '1.5', usdPerHour: '0.000885'},
      images: [{service: 'job', digest: `sha256:${'1'.repeat(64)}`, digestSource: 'sdl'}],
      redundancy: {status: 'unanimous', n: 1},
    })
  })

  it('derives the address as the chain does (ripemd160(sha256(pubkey))), matching the keystore', async () => {
    const {tenant, tenantSigner} = await setup()
    expect(addressOf(tenant.pubkey)).toBe(tenant.address)
    expect(tenantSigner.address).toBe(tenant.address)
  })

  it('never puts the private key or the mnemonic in the receipt or the signer’s JSON', async () => {
    const {envelope, tenant, tenantSigner} = await setup()
    const text = serializeReceipt(envelope) + Buffer.from(envelope.payload, 'base64').toString('utf8') + JSON.stringify(tenantSigner)
    expect(text).not.toContain(Buffer.from(tenant.privkey).toString('hex'))
    expect(text).not.toContain(Buffer.from(tenant.privkey).toString('base64'))
    expect(text).not.toContain(TENANT_MNEMONIC.split(' ').slice(0, 3).join(' '))
    expect(JSON.stringify(tenantSigner)).toBe(JSON.stringify({address: tenant.address}))
  })

  it('refuses to sign a receipt for a lease the signer does not own', async () => {
    const {otherSigner, tenant} = await setup()
    await expect(createReceipt(receiptInput(tenant.address), otherSigner)).rejects.toThrow(/must be signed by that key/)
  })
})

describe('receipts: verification', () => {
  it('accepts a genuine receipt, from the file text, against the chain', async () => {
    const {envelope, chain} = await setup()
    const v = await verifyReceipt(serializeReceipt(envelope), {chain})
    expect(v.checks.filter((c) => c.status !== 'pass')).toEqual([])
    expect(v.status).toBe('pass')
    expect(statusOf(v.checks)).toEqual({
      'receipt.parse': 'pass',
      'receipt.signature': 'pass',
      'receipt.signer': 'pass',
      'receipt.network': 'pass',
      'receipt.account_pubkey': 'pass',
      'receipt.lease': 'pass',
      'receipt.provider': 'pass',
      'receipt.heights': 'pass',
      'receipt.price': 'pass',
      'receipt.version': 'pass',
    })
  })

  it('without a chain checks signature and signer, and says the chain was not asked', async () => {
    const {envelope} = await setup()
    const v = await verifyReceipt(envelope)
    expect(statusOf(v.checks)).toEqual({'receipt.parse': 'pass', 'receipt.signature': 'pass', 'receipt.signer': 'pass', 'receipt.chain': 'skip'})
    expect(v.status).toBe('pass')
  })

  it('refuses a receipt with one field changed, naming the signature', async () => {
    const {envelope, chain} = await setup()
    const changed = tamper(envelope, (s) => {
      s.predicate.price.perBlock = '0.5'
    })
    const v = await verifyReceipt(changed, {chain})
    expect(v.status).toBe('fail')
    expect(byId(v.checks, 'receipt.signature')).toMatchObject({status: 'fail', reason: 'the signature does not match the payload: the receipt was changed after it was signed, or signed by another key'})
    // and the chain says which fact is off
    expect(byId(v.checks, 'receipt.price')).toMatchObject({status: 'fail', reason: "the lease's price on chain is 1.5 uact per block; the receipt says 0.5 uact"})
  })

  it('refuses a signature made by another key than the one the receipt names', async () => {
    const {envelope, other, tenant} = await setup()
    const statement = decodeStatement(envelope) as ReceiptStatement
    const v = await verifyReceipt(forge(statement, other.privkey, tenant.address))
    expect(byId(v.checks, 'receipt.signature')?.status).toBe('fail')
  })

  it('refuses a key that does not hash to the signer’s address (a forger’s own key under the tenant’s name)', async () => {
    const {envelope, other, tenant} = await setup()
    const statement = decodeStatement(envelope) as ReceiptStatement
    statement.predicate.tenant.pubkey = Buffer.from(other.pubkey).toString('base64')
    const v = await verifyReceipt(forge(statement, other.privkey, tenant.address))
    expect(byId(v.checks, 'receipt.signature')?.status).toBe('pass')
    expect(byId(v.checks, 'receipt.signer')).toMatchObject({status: 'fail', reason: `the public key hashes to ${other.address}, but the receipt names ${tenant.address} as its signer`})
  })

  it('refuses a forger who signs as themselves for a lease they do not own: no such lease on chain', async () => {
    const {envelope, other, chain} = await setup()
    const statement = decodeStatement(envelope) as ReceiptStatement
    Object.assign(statement.predicate.tenant, {address: other.address, pubkey: Buffer.from(other.pubkey).toString('base64')})
    statement.predicate.lease.owner = other.address
    const v = await verifyReceipt(forge(statement, other.privkey, other.address), {chain})
    expect(statusOf(v.checks)).toMatchObject({'receipt.signature': 'pass', 'receipt.signer': 'pass', 'receipt.account_pubkey': 'fail', 'receipt.lease': 'fail', 'receipt.version': 'fail'})
    expect(byId(v.checks, 'receipt.lease')?.reason).toBe(`no lease ${other.address}/1234/1/1 ever existed on edge-dev`)
    expect(byId(v.checks, 'receipt.account_pubkey')?.reason).toBe(`no account ${other.address} exists on edge-dev`)
  })

  it('refuses a receipt whose signer is not the lease owner', async () => {
    const {envelope, tenant, other} = await setup()
    const statement = decodeStatement(envelope) as ReceiptStatement
    statement.predicate.lease.owner = other.address
    const v = await verifyReceipt(forge(statement, (await keys()).tenant.privkey, tenant.address))
    expect(byId(v.checks, 'receipt.signer')).toMatchObject({status: 'fail', reason: `the lease is owned by ${other.address}; the receipt is signed by ${tenant.address}`})
  })

  it('refuses a high-S signature (the malleable twin of a valid one)', async () => {
    const {envelope} = await setup()
    const sig = secp256k1.Signature.fromCompact(Buffer.from(envelope.signatures[0].sig, 'base64').toString('hex'))
    const twin = new secp256k1.Signature(sig.r, secp256k1.CURVE.n - sig.s).toCompactRawBytes()
    const v = await verifyReceipt({...envelope, signatures: [{...envelope.signatures[0], sig: Buffer.from(twin).toString('base64')}]})
    expect(byId(v.checks, 'receipt.signature')?.status).toBe('fail')
  })
})

describe('receipts: facts against the chain', () => {
  /** A receipt the tenant really signed, stating facts the chain contradicts. */
  async function signedWith(edit: (input: ReturnType<typeof receiptInput>) => void) {
    const k = await keys()
    const input = receiptInput(k.tenant.address)
    edit(input)
    const envelope = await createReceipt(input, k.tenantSigner)
    return {envelope, chain: fakeChain(honestChain(k.tenant.address, k.tenant.pubkey)), ...k}
  }

  it('names a lease that never existed', async () => {
    const {envelope, chain, tenant} = await signedWith((i) => {
      i.lease.dseq = 999n
    })
    const v = await verifyReceipt(envelope, {chain})
    expect(statusOf(v.checks)).toMatchObject({'receipt.signature': 'pass', 'receipt.signer': 'pass', 'receipt.lease': 'fail', 'receipt.version': 'fail'})
    expect(byId(v.checks, 'receipt.lease')?.reason).toBe(`no lease ${tenant.address}/999/1/1 ever existed on edge-dev`)
  })

  it('names another provider', async () => {
    const {envelope, chain, tenant} = await signedWith((i) => {
      i.provider.address = 'akash1someoneelse'
    })
    const v = await verifyReceipt(envelope, {chain})
    expect(byId(v.checks, 'receipt.provider')).toMatchObject({status: 'fail', reason: `the lease ${tenant.address}/1234/1/1 is with ${PROVIDER} on chain; the receipt says akash1someoneelse`})
  })

  it('names each height that differs', async () => {
    const {envelope, chain} = await signedWith((i) => {
      i.heights = {deploymentCreated: 99, leaseCreated: 103, leaseClosed: 260}
    })
    const v = await verifyReceipt(envelope, {chain})
    expect(byId(v.checks, 'receipt.heights')).toMatchObject({
      status: 'fail',
      reason: 'the lease closed at 250 on chain, 260 in the receipt; the deployment was created at 100 on chain, 99 in the receipt',
    })
  })

  it('names a manifest version that differs', async () => {
    const {envelope, chain} = await signedWith((i) => {
      i.manifestVersion = 'f'.repeat(64)
    })
    expect(byId((await verifyReceipt(envelope, {chain})).checks, 'receipt.version')).toMatchObject({status: 'fail', reason: expect.stringMatching(/^the deployment's manifest version on chain is a3f1c2d4e5b69788…; the receipt's is ffffffffffffffff…/)})
  })

  it('names a chain whose account key differs, and warns where the account never published one', async () => {
    const {envelope, tenant, other} = await setup()
    const state = honestChain(tenant.address, other.pubkey)
    expect(byId((await verifyReceipt(envelope, {chain: fakeChain(state)})).checks, 'receipt.account_pubkey')).toMatchObject({status: 'fail', reason: `the public key of ${tenant.address} on chain differs from the receipt's`})
    state.accounts[tenant.address] = {}
    expect(byId((await verifyReceipt(envelope, {chain: fakeChain(state)})).checks, 'receipt.account_pubkey')?.status).toBe('warn')
  })

  it('stops at another chain, and says when the chain could not be asked', async () => {
    const {envelope, tenant} = await setup()
    const state = honestChain(tenant.address, tenant.pubkey)
    state.chainId = 'akashnet-2'
    const v = await verifyReceipt(envelope, {chain: fakeChain(state)})
    expect(v.checks.filter((c) => c.check.startsWith('receipt.') && !['receipt.parse', 'receipt.signature', 'receipt.signer'].includes(c.check))).toEqual([
      expect.objectContaining({check: 'receipt.network', status: 'fail', reason: 'the receipt is for chain edge-dev; the endpoint serves akashnet-2'}),
    ])
    state.chainId = 'edge-dev'
    state.fail = new Error('connect ECONNREFUSED 127.0.0.1:26657')
    expect((await verifyReceipt(envelope, {chain: fakeChain(state)})).checks.at(-1)).toMatchObject({check: 'receipt.chain', status: 'warn', reason: 'not compared with the chain: connect ECONNREFUSED 127.0.0.1:26657'})
  })
})

describe('receipts: malformed files are refused with the reason, never a crash', () => {
  it.each([
    ['not json', 'the file is not JSON'],
    ['[]', 'the receipt is not a JSON object (a DSSE envelope)'],
    ['{"payloadType": "text/plain", "payload": "", "signatures": [{"sig": ""}]}', 'the payload type is "text/plain", not application/vnd.in-toto+json'],
    ['{"payloadType": "application/vnd.in-toto+json", "payload": "%%%", "signatures": [{"sig": ""}]}', 'the payload is not base64'],
    ['{"payloadType": "application/vnd.in-toto+json", "payload": "", "signatures": []}', 'the envelope has no signature'],
  ])('%s', async (text, problem) => {
    const v = await verifyReceipt(text)
    expect(v.checks).toEqual([expect.objectContaining({check: 'receipt.parse', status: 'fail', reason: problem})])
  })

  it('refuses a statement missing a field the verifier needs, or whose subject disagrees with its predicate', async () => {
    const {envelope} = await setup()
    const noDseq = tamper(envelope, (s) => {
      delete (s.predicate.lease as Partial<typeof s.predicate.lease>).dseq
    })
    expect((await verifyReceipt(noDseq)).checks[0]).toMatchObject({status: 'fail', reason: 'predicate.lease.dseq is missing or malformed'})
    const mismatch = tamper(envelope, (s) => {
      s.subject[0].digest.sha256 = 'e'.repeat(64)
    })
    expect((await verifyReceipt(mismatch)).checks[0]).toMatchObject({status: 'fail', reason: 'the manifest subject does not carry predicate.manifest.version'})
  })
})
