import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {edgeInProcess} from '../in-process.js'
import {cleanup, setup} from '../sdl/helpers.js'

afterEach(cleanup)

describe('edge mcp limits / edge mcp log', () => {
  it('shows the defaults, saves flags into mcp.json, and reads them back', async () => {
    const {dir} = setup()
    const defaults = await edgeInProcess(['mcp', 'limits', '--json'])
    expect(defaults.json.result.limits).toMatchObject({allowSpend: false, ttl: '1h', maxDeployments: 2, maxUsdPerHour: null, images: []})
    const saved = await edgeInProcess(['mcp', 'limits', '--save', '--allow-spend', '--max-usd-per-hour', '0.5', '--budget-per-day', '5', '--ttl', '2h', '--image', 'busybox', '--image', 'nginx:1.27', '--region', 'eu-*', '--json'])
    expect(saved.json.result).toMatchObject({saved: true, limits: {allowSpend: true, maxUsdPerHour: '$0.50/h', budgetPerDay: '$5.00', ttl: '2h', images: ['busybox', 'nginx:1.27'], regions: ['eu-*']}})
    expect(JSON.parse(readFileSync(join(dir, 'config', 'mcp.json'), 'utf8'))).toMatchObject({allowSpend: true, maxUsdPerHour: '0.5', images: ['busybox', 'nginx:1.27']})
    const text = await edgeInProcess(['mcp', 'limits'])
    expect(text.stdout).toMatch(/spend:\s+allowed/)
    expect(text.stdout).toMatch(/images:\s+busybox, nginx:1\.27/)
    // A flag overrides the file for one run without writing it.
    const once = await edgeInProcess(['mcp', 'limits', '--no-allow-spend', '--json'])
    expect(once.json.result).toMatchObject({saved: false, limits: {allowSpend: false, ttl: '2h'}})
  })

  it('refuses a bad amount before writing anything', async () => {
    setup()
    const bad = await edgeInProcess(['mcp', 'limits', '--save', '--budget-total', 'lots', '--json'])
    expect(bad.json).toMatchObject({ok: false, error: {exitCode: 2}})
    expect(bad.json.error.message).toMatch(/budgetTotal "lots" is not an amount in USD/)
  })

  it('an empty action log', async () => {
    setup()
    const log = await edgeInProcess(['mcp', 'log', '--json'])
    expect(log.json).toMatchObject({ok: true, result: []})
    expect((await edgeInProcess(['mcp', 'log'])).stdout).toMatch(/No actions yet/)
  })
})
