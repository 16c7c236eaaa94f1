import {Lease, Lease_State} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {QueryDeploymentsResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {QueryParamsResponse as MarketParamsResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {QueryAccountResponse, QueryAllBalancesResponse, SendEnabled} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {describe, expect, it} from 'vitest'

import {formatDuration, formatLegacyDec, formatTimestamp, toProtoJson} from '../../../../src/devnet/core/proto-json.js'
import {encodeAccount} from '../../../../src/devnet/modules/auth/keeper.js'
import {EventManager} from '../../../../src/devnet/core/events.js'
import {matchesQuery, parseQuery} from '../../../../src/devnet/core/tx-query.js'

describe('proto-JSON as the Cosmos gateway renders it', () => {
  it('prints LegacyDec amounts with 18 decimals', () => {
    expect(formatLegacyDec('1.5')).toBe('1.500000000000000000')
    expect(formatLegacyDec('7')).toBe('7.000000000000000000')
    expect(formatLegacyDec('-0.25')).toBe('-0.250000000000000000')
  })

  it('emits defaults, keeps proto field names, renders DecCoin as LegacyDec and enums as names', () => {
    const lease = Lease.fromPartial({
      id: {owner: 'akash1owner', dseq: 7, gseq: 1, oseq: 1, provider: 'akash1prov', bseq: 0},
      state: Lease_State.active,
      price: {denom: 'uact', amount: '1.5'},
      createdAt: 12,
    })
    const json = toProtoJson(Lease, lease)
    expect(json.state).toBe('active')
    expect(json.price).toEqual({denom: 'uact', amount: '1.500000000000000000'})
    expect(json.created_at).toBe('12')
    expect(json.closed_on).toBe('0')
    expect((json.id as Record<string, unknown>).bseq).toBe(0)
    expect(Object.keys(json)).toEqual(Object.keys(toProtoJson(Lease, Lease.fromPartial({}))))
    // The zero value of an enum is printed by name too.
    expect(toProtoJson(Lease, Lease.fromPartial({})).state).toBe('invalid')
  })

  it('names enums deep in nested lists, their zero value too (Endpoint.kind SHARED_HTTP)', () => {
    const response = QueryDeploymentsResponse.fromPartial({
      deployments: [{groups: [{groupSpec: {resources: [{resource: {endpoints: [{kind: 0}, {kind: 2, sequenceNumber: 1}]}}]}}]}],
    })
    const json = toProtoJson(QueryDeploymentsResponse, response) as any
    expect(json.deployments[0].groups[0].group_spec.resources[0].resource.endpoints).toEqual([
      {kind: 'SHARED_HTTP', sequence_number: 0},
      {kind: 'LEASED_IP', sequence_number: 1},
    ])
  })

  it('prints durations and timestamps as jsonpb does ("3600s", RFC 3339)', () => {
    const params = MarketParamsResponse.fromPartial({params: {minReclamationWindow: {seconds: 3600n, nanos: 0}, maxReclamationWindow: {seconds: 1n, nanos: 500_000_000}}})
    expect((toProtoJson(MarketParamsResponse, params) as any).params).toMatchObject({min_reclamation_window: '3600s', max_reclamation_window: '1.5s'})
    expect((toProtoJson(MarketParamsResponse, MarketParamsResponse.fromPartial({params: {}})) as any).params.min_reclamation_window).toBeNull()
    expect(formatDuration({seconds: 0n, nanos: 1})).toBe('0.000000001s')
    expect(formatDuration({seconds: -5n, nanos: 0})).toBe('-5s')
    expect(formatTimestamp(new Date('2026-12-07T10:00:00.000Z'))).toBe('2026-12-07T10:00:00Z')
    expect(formatTimestamp(new Date('2026-12-07T10:00:00.250Z'))).toBe('2026-12-07T10:00:00.250Z')
  })

  it('renders empty lists, null messages and null bytes as the gateway does', () => {
    const json = toProtoJson(QueryAllBalancesResponse, QueryAllBalancesResponse.fromPartial({balances: [], pagination: {total: 0}}))
    expect(json).toEqual({balances: [], pagination: {next_key: null, total: '0'}})
    expect(toProtoJson(SendEnabled, SendEnabled.fromPartial({denom: 'uact'}))).toEqual({denom: 'uact', enabled: false})
  })

  it('renders Any with @type and the packed message inline', () => {
    const any = encodeAccount({address: 'akash1xyz', accountNumber: 5n, sequence: 2n, pubKey: new Uint8Array(33).fill(2)})
    const json = toProtoJson(QueryAccountResponse, QueryAccountResponse.fromPartial({account: any}))
    expect(json).toEqual({
      account: {
        '@type': '/cosmos.auth.v1beta1.BaseAccount',
        address: 'akash1xyz',
        pub_key: {'@type': '/cosmos.crypto.secp256k1.PubKey', key: Buffer.from(new Uint8Array(33).fill(2)).toString('base64')},
        account_number: '5',
        sequence: '2',
      },
    })
  })

  it('turns a typed event into sorted attributes with JSON values (TypedEventToEvent)', () => {
    const events = new EventManager()
    events.emitTyped(Lease, Lease.fromPartial({state: Lease_State.active, price: {denom: 'uact', amount: '2'}}))
    const attrs = Object.fromEntries(events.events[0].attributes.map((a) => [a.key, a.value]))
    expect(events.events[0].type).toBe('akash.market.v1.Lease')
    expect(Object.keys(attrs)).toEqual([...Object.keys(attrs)].sort())
    expect(attrs.state).toBe('"active"')
    expect(attrs.price).toBe('{"denom":"uact","amount":"2.000000000000000000"}')
  })
})

describe('CometBFT queries', () => {
  it('parses conditions joined by AND, with quoted strings, numbers and operators', () => {
    expect(parseQuery("tm.event='Tx' AND message.sender='akash1abc' AND tx.height>=5")).toEqual([
      {key: 'tm.event', op: '=', value: 'Tx'},
      {key: 'message.sender', op: '=', value: 'akash1abc'},
      {key: 'tx.height', op: '>=', value: 5},
    ])
    expect(parseQuery('tx.hash=\'AB12\'')).toEqual([{key: 'tx.hash', op: '=', value: 'AB12'}])
    expect(parseQuery("message.action EXISTS")).toEqual([{key: 'message.action', op: 'EXISTS'}])
    expect(() => parseQuery("tm.event='Tx' OR x='y'")).toThrow()
  })

  it('matches events and implicit attributes', () => {
    const events = [{type: 'message', attributes: [{key: 'sender', value: 'akash1abc'}]}]
    const implicit = {'tm.event': 'Tx', 'tx.height': '7'}
    expect(matchesQuery(parseQuery("tm.event='Tx' AND message.sender='akash1abc'"), implicit, events)).toBe(true)
    expect(matchesQuery(parseQuery("tm.event='Tx' AND message.sender='akash1zzz'"), implicit, events)).toBe(false)
    expect(matchesQuery(parseQuery('tx.height>6'), implicit, events)).toBe(true)
    expect(matchesQuery(parseQuery("message.sender CONTAINS 'abc'"), implicit, events)).toBe(true)
  })
})
