import {certificateManager} from '@akashnetwork/chain-sdk'
import {
  Cert_State,
  MsgCreateCertificate,
  MsgDeleteProviderAttributes,
  MsgRevokeCertificate,
  MsgSignProviderAttributes,
  type QueryCertificatesResponse,
  type QueryProvidersResponse as AuditProvidersResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  MsgCreateProvider,
  MsgDeleteProvider,
  MsgUpdateProvider,
  type QueryProviderResponse,
  type QueryProvidersResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {describe, expect, it} from 'vitest'

import {createProvider} from './builders.js'
import {address, FakeChain} from './fake-chain.js'

const prov = address('prov')
const auditor = address('auditor')
const other = address('other')

describe('provider', () => {
  it('creates, updates and lists providers; delete is not implemented on the chain', () => {
    const c = new FakeChain()
    const created = c.deliver(MsgCreateProvider, createProvider(prov, [{key: 'region', value: 'us-west'}]), prov)
    expect(created.code, created.log).toBe(0)
    expect(created.events.map((e) => e.type)).toEqual(['akash.provider.v1beta4.EventProviderCreated'])
    expect(c.deliver(MsgCreateProvider, createProvider(prov))).toMatchObject({codespace: 'provider', code: 4})
    const updated = c.deliver(MsgUpdateProvider, createProvider(prov, [{key: 'region', value: 'eu'}], 'https://p.example.org'))
    expect(updated.code).toBe(0)
    const one = c.query<unknown, QueryProviderResponse>('/akash.provider.v1beta4.Query/Provider', {owner: prov})
    expect(one.provider).toMatchObject({owner: prov, hostUri: 'https://p.example.org', attributes: [{key: 'region', value: 'eu'}]})
    expect(one.provider?.info).toEqual({email: 'ops@example.com', website: 'https://example.com'})
    expect(c.deliver(MsgUpdateProvider, createProvider(other))).toMatchObject({codespace: 'provider', code: 3})
    expect(c.deliver(MsgDeleteProvider, {owner: prov})).toMatchObject({codespace: 'provider', code: 10, log: 'NOTIMPLEMENTED: internal error'})
    expect(c.deliver(MsgDeleteProvider, {owner: other})).toMatchObject({codespace: 'provider', code: 3})

    c.deliver(MsgCreateProvider, createProvider(other))
    const all = c.query<unknown, QueryProvidersResponse>('/akash.provider.v1beta4.Query/Providers', {pagination: {limit: 1, countTotal: true}})
    expect(all.providers).toHaveLength(1)
    expect(all.pagination?.total.toString()).toBe('2')
    expect(() => c.query('/akash.provider.v1beta4.Query/Provider', {owner: 'bogus'})).toThrow(/invalid address/)
    expect(() => c.query('/akash.provider.v1beta4.Query/Provider', {owner: address('none')})).toThrow(/address not found/)
  })

  it.each([
    ['http scheme', 'http://p.example.com', 1],
    ['a path', 'https://p.example.com/x', 1],
    ['a relative URI', 'p.example.com', 2],
    ['host:port read as a scheme, as Go parses it', 'p.example.com:8443', 1],
    ['no host', 'https://', 1],
    ['a control character', 'https://p.example.com\n', 1],
  ])('rejects a host URI with %s', (_n, uri, code) => {
    const c = new FakeChain()
    expect(c.deliver(MsgCreateProvider, createProvider(prov, [], uri))).toMatchObject({codespace: 'provider', code})
  })

  it('rejects wildcard and duplicate attribute keys', () => {
    const c = new FakeChain()
    expect(c.deliver(MsgCreateProvider, createProvider(prov, [{key: 'region*', value: 'x'}]))).toMatchObject({codespace: 'akash', code: 2})
    expect(
      c.deliver(MsgCreateProvider, createProvider(prov, [{key: 'region', value: 'x'}, {key: 'region', value: 'y'}])),
    ).toMatchObject({codespace: 'akash', code: 1})
  })
})

describe('audit', () => {
  const query = (c: FakeChain, path: string, req: unknown) => c.query<unknown, AuditProvidersResponse>(`/akash.audit.v1.Query/${path}`, req)

  it('signs (merging keys), deletes keys, deletes the record, and answers the queries', () => {
    const c = new FakeChain()
    const signed = c.deliver(MsgSignProviderAttributes, {owner: prov, auditor, attributes: [{key: 'tier', value: 'a'}, {key: 'region', value: 'us'}]}, auditor)
    expect(signed.code, signed.log).toBe(0)
    expect(signed.events.map((e) => e.type)).toEqual(['akash.audit.v1.EventTrustedAuditorCreated'])
    c.deliver(MsgSignProviderAttributes, {owner: prov, auditor, attributes: [{key: 'tier', value: 'b'}, {key: 'gpu', value: 'yes'}]})
    expect(query(c, 'ProviderAuditorAttributes', {owner: prov, auditor}).providers[0].attributes).toEqual([
      {key: 'gpu', value: 'yes'},
      {key: 'region', value: 'us'},
      {key: 'tier', value: 'b'},
    ])
    c.deliver(MsgSignProviderAttributes, {owner: prov, auditor: other, attributes: [{key: 'region', value: 'us'}]})
    expect(query(c, 'ProviderAttributes', {owner: prov}).providers.map((p) => p.auditor).sort()).toEqual([auditor, other].sort())
    expect(query(c, 'AuditorAttributes', {auditor: other}).providers).toEqual([{owner: prov, auditor: other, attributes: [{key: 'region', value: 'us'}]}])
    expect(query(c, 'AllProvidersAttributes', {}).providers).toHaveLength(2)
    expect(query(c, 'AuditorAttributes', {auditor: ''}).providers).toHaveLength(2)
    // A typo in the auditor is an error, not a list of every auditor's records.
    expect(() => query(c, 'AuditorAttributes', {auditor: 'akash1typo'})).toThrow(expect.objectContaining({codespace: 'audit', code: 2, grpcCode: 3}))

    expect(c.deliver(MsgDeleteProviderAttributes, {owner: prov, auditor, keys: ['nope']})).toMatchObject({codespace: 'audit', code: 3})
    expect(c.deliver(MsgDeleteProviderAttributes, {owner: prov, auditor, keys: ['gpu']}).code).toBe(0)
    expect(query(c, 'ProviderAuditorAttributes', {owner: prov, auditor}).providers[0].attributes.map((a) => a.key)).toEqual(['region', 'tier'])
    expect(c.deliver(MsgDeleteProviderAttributes, {owner: prov, auditor, keys: []}).code).toBe(0)
    expect(() => query(c, 'ProviderAuditorAttributes', {owner: prov, auditor})).toThrow(/address not found/)
    expect(c.deliver(MsgDeleteProviderAttributes, {owner: prov, auditor, keys: []})).toMatchObject({codespace: 'audit', code: 1})
    expect(c.deliver(MsgSignProviderAttributes, {owner: 'bogus', auditor, attributes: []})).toMatchObject({codespace: 'sdk', code: 7})
    // the auditor signs, not the provider
    expect(c.deliver(MsgSignProviderAttributes, {owner: prov, auditor, attributes: []}, prov).code).toBe(8)
  })
})

describe('cert', () => {
  const Q = '/akash.cert.v1.Query/Certificates'
  const enc = (s: string) => new TextEncoder().encode(s)

  it('creates a certificate made by chain-sdk, refuses a duplicate serial, revokes it, and filters', async () => {
    const c = new FakeChain()
    const pem = await certificateManager.generatePEM(prov)
    const res = c.deliver(MsgCreateCertificate, {owner: prov, cert: enc(pem.cert), pubkey: enc(pem.publicKey)}, prov)
    expect(res.code, res.log).toBe(0)
    expect(c.deliver(MsgCreateCertificate, {owner: prov, cert: enc(pem.cert), pubkey: enc(pem.publicKey)})).toMatchObject({
      codespace: 'cert',
      code: 3,
    })
    const second = await certificateManager.generatePEM(prov)
    expect(c.deliver(MsgCreateCertificate, {owner: prov, cert: enc(second.cert), pubkey: enc(second.publicKey)}).code).toBe(0)

    const list = c.query<unknown, QueryCertificatesResponse>(Q, {filter: {owner: prov}})
    expect(list.certificates).toHaveLength(2)
    const serial = list.certificates[0].serial
    expect(serial).toMatch(/^\d+$/)
    expect(list.certificates[0].certificate?.state).toBe(Cert_State.valid)

    const revoked = c.deliver(MsgRevokeCertificate, {id: {owner: prov, serial}}, prov)
    expect(revoked.code, revoked.log).toBe(0)
    expect(c.deliver(MsgRevokeCertificate, {id: {owner: prov, serial}})).toMatchObject({codespace: 'cert', code: 4})
    expect(c.deliver(MsgRevokeCertificate, {id: {owner: prov, serial: '12345'}})).toMatchObject({codespace: 'cert', code: 1})
    expect(c.deliver(MsgRevokeCertificate, {id: {owner: prov, serial: '0x1'}})).toMatchObject({codespace: 'cert', code: 5})

    const bySerial = c.query<unknown, QueryCertificatesResponse>(Q, {filter: {owner: prov, serial}})
    expect(bySerial.certificates.map((x) => [x.serial, x.certificate?.state])).toEqual([[serial, Cert_State.revoked]])
    expect(c.query<unknown, QueryCertificatesResponse>(Q, {filter: {state: 'valid'}}).certificates).toHaveLength(1)
    expect(c.query<unknown, QueryCertificatesResponse>(Q, {filter: {owner: other}}).certificates).toHaveLength(0)
    expect(() => c.query(Q, {filter: {state: 'expired'}})).toThrow(/invalid state value/)
    const cert = c.query<unknown, QueryCertificatesResponse>(Q, {filter: {owner: prov, state: 'valid'}}).certificates[0].certificate
    expect(new TextDecoder().decode(cert?.cert)).toBe(second.cert)
  })

  it('enforces the CN, the PEM types and the key', async () => {
    const c = new FakeChain()
    const pem = await certificateManager.generatePEM(prov)
    const foreign = await certificateManager.generatePEM(other)
    // CN is another address
    expect(c.deliver(MsgCreateCertificate, {owner: other, cert: enc(pem.cert), pubkey: enc(pem.publicKey)})).toMatchObject({
      codespace: 'cert',
      code: 6,
    })
    // the key does not verify the certificate's signature
    expect(c.deliver(MsgCreateCertificate, {owner: prov, cert: enc(pem.cert), pubkey: enc(foreign.publicKey)})).toMatchObject({
      codespace: 'cert',
      code: 6,
    })
    // the public key block has the wrong type
    expect(
      c.deliver(MsgCreateCertificate, {owner: prov, cert: enc(pem.cert), pubkey: enc(pem.publicKey.replaceAll('EC PUBLIC KEY', 'PUBLIC KEY'))}),
    ).toMatchObject({codespace: 'cert', code: 7})
    // trailing data after the block
    expect(c.deliver(MsgCreateCertificate, {owner: prov, cert: enc(`${pem.cert}junk`), pubkey: enc(pem.publicKey)})).toMatchObject({
      codespace: 'cert',
      code: 6,
    })
    expect(c.deliver(MsgCreateCertificate, {owner: prov, cert: enc('not pem'), pubkey: enc(pem.publicKey)})).toMatchObject({
      codespace: 'cert',
      code: 6,
    })
  })
})
