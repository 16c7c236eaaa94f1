import {describe, expect, it} from 'vitest'
import net from 'node:net'

import {PortAllocator, portIsFree} from '../../../../src/provider/runtime/ports.js'

describe('PortAllocator', () => {
  it('hands out free ports of the range in turn, skipping used and reserved ones', async () => {
    const busy = new Set([30001])
    const allocator = new PortAllocator({
      range: {min: 30000, max: 30003},
      used: async () => [30002],
      isFree: async (_host, port) => !busy.has(port),
    })
    expect(await allocator.allocate('0.0.0.0', 'TCP')).toBe(30000)
    expect(await allocator.allocate('0.0.0.0', 'TCP')).toBe(30003)
    await expect(allocator.allocate('0.0.0.0', 'TCP')).rejects.toThrow(/no free port/)
    allocator.release(30000)
    expect(await allocator.allocate('0.0.0.0', 'TCP', 30000)).toBe(30000)
  })

  it('gives the preferred port back when it is free', async () => {
    const allocator = new PortAllocator({range: {min: 31000, max: 31010}, isFree: async () => true})
    expect(await allocator.allocate('127.0.0.1', 'UDP', 31007)).toBe(31007)
    expect(await allocator.allocate('127.0.0.1', 'UDP', 40000)).toBe(31000)
  })

  it('rejects a range that is not one', () => {
    expect(() => new PortAllocator({range: {min: 10, max: 5}})).toThrow(RangeError)
  })
})

describe('portIsFree', () => {
  it('sees a port a listener holds', async () => {
    const server = net.createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as net.AddressInfo).port
    expect(await portIsFree('127.0.0.1', port, 'TCP')).toBe(false)
    await new Promise<void>((r) => server.close(() => r()))
    expect(await portIsFree('127.0.0.1', port, 'TCP')).toBe(true)
  })
})
