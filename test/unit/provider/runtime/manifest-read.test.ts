import {describe, expect, it} from 'vitest'

import {
  cpuMillis,
  httpOptionsOf,
  isIngressExpose,
  memoryBytes,
  normalizeImage,
  resourceInt,
  serviceMounts,
} from '../../../../src/provider/runtime/manifest-read.js'
import {expose, service} from './fixtures.js'

describe('manifest reading', () => {
  it('reads resource values given as wire strings or as numbers', () => {
    expect(resourceInt({val: '1500'})).toBe(1500n)
    expect(resourceInt({val: 67108864})).toBe(67108864n)
    expect(resourceInt({val: 'nonsense'})).toBe(0n)
    expect(cpuMillis(service({name: 'a'}))).toBe(500)
    expect(memoryBytes(service({name: 'a'}))).toBe(134217728)
  })

  it('treats a global TCP expose on external port 80 as HTTP ingress, as Akash does', () => {
    expect(isIngressExpose(expose({port: 80, externalPort: 0, global: true}))).toBe(true)
    expect(isIngressExpose(expose({port: 8080, externalPort: 80, global: true}))).toBe(true)
    expect(isIngressExpose(expose({port: 80, externalPort: 80, global: false}))).toBe(false)
    expect(isIngressExpose(expose({port: 80, externalPort: 80, global: true, proto: 'UDP'}))).toBe(false)
    expect(isIngressExpose(expose({port: 9000, externalPort: 9000, global: true}))).toBe(false)
  })

  it('fills missing http options with the SDL defaults', () => {
    const options = httpOptionsOf(expose({port: 80, httpOptions: null}))
    expect(options).toEqual({maxBodySize: 1048576, readTimeout: 60000, sendTimeout: 60000, nextTries: 3, nextTimeout: 0, nextCases: ['error', 'timeout']})
    expect(httpOptionsOf(expose({port: 80, httpOptions: {maxBodySize: 10, readTimeout: 5, sendTimeout: 6, nextTries: 0, nextTimeout: 0, nextCases: ['off']}}))).toMatchObject({
      maxBodySize: 10,
      nextTries: 0,
      nextCases: ['off'],
    })
  })

  it('qualifies image names the way Docker does', () => {
    expect(normalizeImage('busybox:1.36')).toBe('docker.io/library/busybox:1.36')
    expect(normalizeImage('busybox')).toBe('docker.io/library/busybox:latest')
    expect(normalizeImage('akash/app:2')).toBe('docker.io/akash/app:2')
    expect(normalizeImage('ghcr.io/org/app')).toBe('ghcr.io/org/app:latest')
    expect(normalizeImage('localhost:5000/app:1')).toBe('localhost:5000/app:1')
    expect(normalizeImage('localhost/edge/test:1')).toBe('localhost/edge/test:1')
    expect(normalizeImage('nginx@sha256:abc')).toBe('docker.io/library/nginx@sha256:abc')
  })

  it('mounts persistent storage as volumes and ram storage as tmpfs, only where params say', () => {
    const s = service({
      name: 'db',
      resources: {
        cpu: {units: {val: '100'}},
        memory: {size: {val: '1000'}},
        storage: [
          {name: 'default', size: {val: '100'}},
          {name: 'data', size: {val: '2000'}, attributes: [{key: 'persistent', value: 'true'}, {key: 'class', value: 'beta2'}]},
          {name: 'shm', size: {val: '300'}, attributes: [{key: 'class', value: 'ram'}]},
          {name: 'unmounted', size: {val: '5'}, attributes: [{key: 'persistent', value: 'true'}]},
        ],
      },
      params: {storage: [{name: 'data', mount: '/var/lib/data', readOnly: false}, {name: 'shm', mount: '/dev/shm', readOnly: false}]},
    })
    expect(serviceMounts(s)).toEqual([
      {name: 'data', mount: '/var/lib/data', readOnly: false, sizeBytes: 2000, kind: 'volume'},
      {name: 'shm', mount: '/dev/shm', readOnly: false, sizeBytes: 300, kind: 'tmpfs'},
    ])
  })
})
