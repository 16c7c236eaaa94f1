import {describe, expect, it} from 'vitest'

import {localListen} from '../../../src/services/provide/local.js'

describe('local providers listen on the dev chain\'s host (D36)', () => {
  it('binds every server to 127.0.0.1 when edge dev does', () => {
    expect(localListen('127.0.0.1', {gateway: 1, ingress: 2, grpc: 3})).toEqual({
      hostUri: 'https://127.0.0.1:1',
      gatewayListen: '127.0.0.1:1',
      ingressListen: '127.0.0.1:2',
      grpcListen: '127.0.0.1:3',
    })
  })

  it('follows --host 0.0.0.0 and IPv6, with a host URI that reaches it', () => {
    expect(localListen('0.0.0.0', {gateway: 1, ingress: 2, grpc: 3})).toMatchObject({hostUri: 'https://127.0.0.1:1', gatewayListen: '0.0.0.0:1'})
    expect(localListen('::1', {gateway: 1, ingress: 2, grpc: 3})).toMatchObject({hostUri: 'https://[::1]:1', gatewayListen: '[::1]:1'})
  })
})
