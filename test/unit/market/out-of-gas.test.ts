import {describe, expect, it} from 'vitest'

import {outOfGasRetryFee} from '../../../src/market/akash/fees.js'
import {defaultIngressDomain} from '../../../src/services/provide/init.js'

describe('out-of-gas retry', () => {
  it('retries an sdk out-of-gas with 1.5x the gas delivery used, fee rounded up', () => {
    const error = {txResponse: {code: 11, gasUsed: 63103n, rawLog: 'out of gas in location: WritePerByte; gasWanted: 61291, gasUsed: 63103: out of gas'}}
    expect(outOfGasRetryFee(error, '0.025uakt')).toEqual({gas: '94654', amount: [{denom: 'uakt', amount: 2367n}]})
  })

  it('does not retry other failures, even a module error with code 11', () => {
    expect(outOfGasRetryFee({txResponse: {code: 5, gasUsed: 100n, rawLog: 'insufficient funds'}}, '0.025uakt')).toBeUndefined()
    expect(outOfGasRetryFee({txResponse: {code: 11, gasUsed: 100n, rawLog: 'deployment: invalid group'}}, '0.025uakt')).toBeUndefined()
    expect(outOfGasRetryFee(new Error('fetch failed'), '0.025uakt')).toBeUndefined()
  })
})

describe('default ingress domain', () => {
  it('never puts hostnames under a bare IP (not a valid URL host)', () => {
    expect(defaultIngressDomain('https://127.0.0.1:8443', false)).toBe('localhost')
    expect(defaultIngressDomain('https://203.0.113.7:8443', false)).toBe('203.0.113.7.sslip.io')
    expect(defaultIngressDomain('https://provider.example.com:8443', false)).toBe('ingress.provider.example.com')
    expect(defaultIngressDomain('https://provider.example.com:8443', true)).toBe('localhost')
    expect(() => new URL(`http://abc.${defaultIngressDomain('https://203.0.113.7:8443', false)}:80/`)).not.toThrow()
  })
})
