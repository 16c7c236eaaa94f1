import {runCommand} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import {cleanup, root, setup} from './helpers.js'

afterEach(cleanup)

describe('edge templates', () => {
  it('lists templates with description, GPU need and prices', async () => {
    setup()
    const {stdout, error} = await runCommand(['templates', '--network', 'mainnet'], {root})
    expect(error).toBeUndefined()
    const lines = stdout.split('\n')
    expect(lines[0]).toMatch(/^TEMPLATE\s+DESCRIPTION\s+GPU\s+TYPICAL\s+MAX$/)
    expect(lines[1]).toMatch(/^hello\s+A tiny HTTP service.*\s+none\s+\$0\.01\/h\s+\$0\.06\/h$/)
    expect(stdout).toMatch(/ollama\s+.*1× NVIDIA \(rtx4090, rtx3090, a100, h100, l40s, a6000\), 16Gi\+ VRAM\s+\$0\.45\/h/)
    expect(stdout).toContain('edge init --template <name>')
  })

  it('gives every template in --json, prices as strings', async () => {
    setup()
    const {stdout, error} = await runCommand(['templates', '--json'], {root})
    expect(error).toBeUndefined()
    const {ok, result} = JSON.parse(stdout)
    expect(ok).toBe(true)
    expect(result.map((t: {name: string}) => t.name)).toEqual(['hello', 'ollama', 'vllm', 'comfyui', 'whisper', 'jupyter', 'batch'])
    // The local network has 1-second blocks: 100 uact per block is 0.36 ACT an hour.
    expect(result[0]).toMatchObject({name: 'hello', gpu: null, typicalUsdPerHour: '0.01', maxUsdPerHour: '$0.36', maxPricePerBlock: {denom: 'uact', amount: '100', scaled: '100000000000000000000'}})
    expect(result.find((t: {name: string}) => t.name === 'vllm').gpu).toMatchObject({units: 1, minVramGi: 24})
  })
})
