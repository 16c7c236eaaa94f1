import {describe, expect, it} from 'vitest'

import {loadSdl, loadSdlOrThrow, manifestSortedJson, manifestVersion, renderManifest, type SdlIssue} from '../../../src/sdl/index.js'
import {at, BASE, variant} from '../../helpers/sdl-text.js'

/** `expose[].http_options` as chain-sdk 1.0.0-alpha.45 reads it: duration timeouts, `proxy`, and the older `proxy_buffer_size`. */

const withHttp = (yaml: string) => variant('          - global: true\n', `          - global: true\n        http_options:\n${yaml}`)
const httpOf = (text: string, options = {}) => renderManifest(loadSdlOrThrow(text, options))[0].services[0].expose[0].httpOptions

function errorOf(text: string, code: string, options = {}): SdlIssue {
  const result = loadSdl(text, {file: 'deploy.yaml', ...options})
  const found = result.errors.filter((e) => e.code === code)
  expect(found, JSON.stringify(result.errors, null, 2)).toHaveLength(1)
  return found[0]
}

describe('HTTP timeouts', () => {
  it('take milliseconds or a duration string, normalised to milliseconds in the manifest', () => {
    expect(httpOf(withHttp('          read_timeout: "30s"\n          send_timeout: 1m\n'))).toMatchObject({readTimeout: 30000, sendTimeout: 60000})
    expect(httpOf(withHttp('          read_timeout: 1500ms\n          send_timeout: 45000\n'))).toMatchObject({readTimeout: 1500, sendTimeout: 45000})
    expect(httpOf(withHttp('          read_timeout: "2000"\n'))).toMatchObject({readTimeout: 2000, sendTimeout: 60000})
  })

  it('go past the old 60 s cap, up to a uint32 of milliseconds', () => {
    expect(httpOf(withHttp('          read_timeout: 10m\n'))).toMatchObject({readTimeout: 600000})
    const text = withHttp('          read_timeout: 1194h\n')
    const e = errorOf(text, 'out-of-range')
    expect(e).toMatchObject({path: 'services.web.expose[0].http_options.read_timeout', ...at(text, 'read_timeout: |1194h')})
    expect(e.message).toBe('services.web.expose[0].http_options.read_timeout is 1194h (4298400000 ms), more than a timeout can hold (4294967295 ms, about 49 days).')
  })

  it('refuse what chain-sdk cannot read, suggesting the spelling that was meant', () => {
    const cases: Array<[string, string | undefined]> = [
      ['1m30s', '90s'],
      ['"30 sec"', '30s'],
      ['1.5s', '1500ms'],
      ['2 minutes', '2m'],
      ['soon', undefined],
    ]
    for (const [value, suggestion] of cases) {
      const text = withHttp(`          send_timeout: ${value}\n`)
      const e = errorOf(text, 'bad-duration')
      expect(e).toMatchObject({path: 'services.web.expose[0].http_options.send_timeout', ...at(text, `send_timeout: |${value}`)})
      if (suggestion) expect(e.hint).toMatch(new RegExp(`^Did you mean "${suggestion}"\\?`))
      else expect(e.hint).toMatch(/^Write milliseconds/)
    }
    expect(errorOf(withHttp('          read_timeout: 2.5\n'), 'bad-duration').message).toBe(
      'services.web.expose[0].http_options.read_timeout is the number 2.5, which is not a timeout chain-sdk can read.',
    )
  })
})

describe('http_options.proxy', () => {
  it('renders the set fields, in proto order, zero fields left out', () => {
    const text = withHttp('          proxy:\n            connect_timeout: 5000\n            buffers_size: 32768\n            buffers_number: 8\n            buffer_size: 16384\n            buffering_disable: false\n')
    const http = httpOf(text)
    expect(http.proxy).toEqual({bufferSize: 16384, buffersNumber: 8, buffersSize: 32768, connectTimeout: 5000})
    expect(Object.keys(http.proxy!)).toEqual(['bufferSize', 'buffersNumber', 'buffersSize', 'connectTimeout'])
    expect(manifestSortedJson(loadSdlOrThrow(text))).toContain('"proxy":{"bufferSize":16384,"buffersNumber":8,"buffersSize":32768,"connectTimeout":5000}')
    expect(httpOf(withHttp('          proxy:\n            buffering_disable: true\n')).proxy).toEqual({bufferingDisable: true})
  })

  it('an empty or all-zero block is unset: the manifest and its hash are as without it', () => {
    const base = manifestVersion(loadSdlOrThrow(BASE)).hex
    for (const proxy of ['{}', '{buffering_disable: false, buffer_size: 0}']) {
      const sdl = loadSdlOrThrow(withHttp(`          proxy: ${proxy}\n`))
      expect(renderManifest(sdl)[0].services[0].expose[0].httpOptions).not.toHaveProperty('proxy')
      expect(manifestVersion(sdl).hex).toBe(base)
    }
  })

  it('buffers_number and buffers_size go together', () => {
    const text = withHttp('          proxy:\n            buffers_number: 8\n')
    const e = errorOf(text, 'proxy-buffers-pair')
    expect(e).toMatchObject({path: 'services.web.expose[0].http_options.proxy', ...at(text, '          |proxy:')})
    expect(e.message).toBe('services.web.expose[0].http_options.proxy sets buffers_number without buffers_size; they are set together.')
    expect(e.hint).toBe('Add buffers_size: 16384 (bytes per buffer), or remove buffers_number.')
    expect(errorOf(withHttp('          proxy:\n            buffers_size: 4096\n'), 'proxy-buffers-pair').hint).toBe('Add buffers_number: 8 (how many buffers), or remove buffers_size.')
  })

  it('checks each field, and names the field that was meant', () => {
    const zero = withHttp('          proxy:\n            buffers_number: 0\n            buffers_size: 4096\n')
    expect(errorOf(zero, 'out-of-range')).toMatchObject(at(zero, 'buffers_number: |0'))
    const typo = withHttp('          proxy:\n            buffer_sizes: 4096\n')
    const e = errorOf(typo, 'unknown-field')
    expect(e).toMatchObject({path: 'services.web.expose[0].http_options.proxy.buffer_sizes', ...at(typo, '            |buffer_sizes')})
    expect(e.hint).toBe('Did you mean "buffer_size"?')
    expect(errorOf(withHttp('          proxy:\n            buffering_disable: "yes"\n'), 'wrong-type').hint).toBe('Write true without quotes.')
  })
})

describe('proxy_buffer_size (go/sdl v0.3.1), replaced by proxy.buffer_size in alpha.45', () => {
  const text = withHttp('          read_timeout: 30s\n          proxy_buffer_size: 32768\n')

  it('is an error under strict rules, with the block rewritten as the fix', () => {
    const e = errorOf(text, 'proxy-buffer-size-replaced')
    expect(e).toMatchObject({path: 'services.web.expose[0].http_options.proxy_buffer_size', ...at(text, '          |proxy_buffer_size')})
    expect(e.hint).toBe('Write proxy: {buffer_size: 32768} under http_options instead.')
    expect(e.fix).toEqual({
      description: 'Move proxy_buffer_size to proxy.buffer_size',
      path: 'services.web.expose[0].http_options',
      yaml: 'read_timeout: 30s\nproxy:\n  buffer_size: 32768\n',
    })
    const fixed = withHttp('          read_timeout: 30s\n          proxy:\n            buffer_size: 32768\n')
    expect(httpOf(fixed).proxy).toEqual({bufferSize: 32768})
  })

  it('is read as Go reads it under Go rules: proxyBufferSize in the manifest, omitted when 0', () => {
    const result = loadSdl(text, {rules: 'go'})
    expect(result.errors).toEqual([])
    expect(result.warnings.find((w) => w.code === 'proxy-buffer-size-replaced')?.hint).toContain("Go parser accepts it")
    expect(httpOf(text, {rules: 'go'})).toEqual({maxBodySize: 1048576, readTimeout: 30000, sendTimeout: 60000, nextTries: 3, nextTimeout: 0, nextCases: ['error', 'timeout'], proxyBufferSize: 32768})
    const zero = withHttp('          proxy_buffer_size: 0\n')
    expect(manifestVersion(loadSdlOrThrow(zero, {rules: 'go'})).hex).toBe(manifestVersion(loadSdlOrThrow(BASE)).hex)
  })

  it('keeps the Go parser\'s 1 MiB limit', () => {
    const big = withHttp('          proxy_buffer_size: 2097152\n')
    expect(errorOf(big, 'out-of-range', {rules: 'go'})).toMatchObject(at(big, 'proxy_buffer_size: |2097152'))
  })
})
