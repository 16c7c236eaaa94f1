import dgram from 'node:dgram'
import net from 'node:net'

export interface PortRange {
  min: number
  max: number
}

/** Can a socket of `proto` bind `port` on `host` right now? (The engine will bind it next.) */
export async function portIsFree(host: string, port: number, proto: 'TCP' | 'UDP'): Promise<boolean> {
  return proto === 'UDP' ? udpFree(host, port) : tcpFree(host, port)
}

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({host, port, exclusive: true}, () => server.close(() => resolve(true)))
  })
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4')
    socket.once('error', () => {
      socket.close()
      resolve(false)
    })
    socket.bind({address: host, port, exclusive: true}, () => socket.close(() => resolve(true)))
  })
}

export interface PortAllocatorOptions {
  range: PortRange
  /** Ports in use that a bind test would not see (published by stopped containers, for one). */
  used?: () => Promise<Iterable<number>>
  isFree?: typeof portIsFree
}

/**
 * Picks host ports from a configured range. Ports handed out stay reserved in memory until
 * released, so parallel deploys in one process do not pick the same port before the engine
 * binds it.
 */
export class PortAllocator {
  private readonly reserved = new Set<number>()
  private next: number

  constructor(private readonly options: PortAllocatorOptions) {
    if (!(options.range.min >= 1 && options.range.max <= 65_535 && options.range.min <= options.range.max)) {
      throw new RangeError(`bad port range ${options.range.min}-${options.range.max}`)
    }
    this.next = options.range.min
  }

  /** Reserves `preferred` when it is in range and free, else the next free port of the range. */
  async allocate(host: string, proto: 'TCP' | 'UDP', preferred?: number): Promise<number> {
    const {min, max} = this.options.range
    const used = new Set(this.options.used ? await this.options.used() : [])
    const isFree = this.options.isFree ?? portIsFree
    const ok = async (p: number) => !this.reserved.has(p) && !used.has(p) && (await isFree(host, p, proto))
    if (preferred !== undefined && preferred >= min && preferred <= max && (await ok(preferred))) {
      this.reserved.add(preferred)
      return preferred
    }
    const size = max - min + 1
    for (let i = 0; i < size; i++) {
      const p = min + ((this.next - min + i) % size)
      if (await ok(p)) {
        this.reserved.add(p)
        this.next = p + 1 > max ? min : p + 1
        return p
      }
    }
    throw new Error(`no free port left in ${min}-${max}`)
  }

  release(port: number): void {
    this.reserved.delete(port)
  }
}

/** A port the kernel says is free now on `host` (bind to 0, read the port, close). */
export function anyFreePort(host: string, proto: 'TCP' | 'UDP'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (proto === 'UDP') {
      const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4')
      socket.once('error', reject)
      socket.bind({address: host, port: 0, exclusive: true}, () => {
        const {port} = socket.address()
        socket.close(() => resolve(port))
      })
      return
    }
    const server = net.createServer()
    server.once('error', reject)
    server.listen({host, port: 0, exclusive: true}, () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Does something accept TCP connections on host:port? */
export function tcpListening(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({host, port})
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
