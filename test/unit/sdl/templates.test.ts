import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/errors.js'
import {groupTotals, loadSdl, parseImageRef} from '../../../src/sdl/index.js'
import {assertCanWrite, initDeployFile, parseGpuModels, parsePriceCap} from '../../../src/services/sdl/init.js'
import {describeGpu, listTemplates, readTemplate} from '../../../src/services/sdl/templates.js'

const MAINNET_BLOCK_MS = 6117
const LOCAL_BLOCK_MS = 1000
const NAMES = ['hello', 'ollama', 'vllm', 'comfyui', 'whisper', 'jupyter', 'batch']

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'edge-init-'))
}

describe('templates/', () => {
  it('has the seven templates, hello first', async () => {
    const templates = await listTemplates({blockTimeMs: MAINNET_BLOCK_MS})
    expect(templates.map((t) => t.name)).toEqual(NAMES)
  })

  for (const name of NAMES) {
    it(`${name}: valid, lint-clean SDL 2.0 priced in uact with pinned images`, async () => {
      const {info, text} = await readTemplate(name, {blockTimeMs: MAINNET_BLOCK_MS})
      const result = loadSdl(text, {file: `${name}/deploy.yaml`})
      expect(result.errors).toEqual([])
      expect(result.warnings).toEqual([])
      expect(result.sdl!.version).toBe('2.0')
      for (const placement of Object.values(result.sdl!.model.placement)) {
        for (const price of Object.values(placement.pricing)) expect(price.denom).toBe('uact')
      }
      for (const svc of Object.values(result.sdl!.model.services)) {
        const ref = parseImageRef(svc.image)
        expect(ref.tag ?? ref.digest).toBeTruthy()
        expect(ref.tag).not.toBe('latest')
      }
      // The metadata agrees with the SDL.
      expect(result.sdl!.model.services[info.service]).toBeDefined()
      const gpus = groupTotals(result.sdl!).reduce((n, g) => n + g.gpus, 0)
      if (info.gpu) {
        expect(gpus).toBe(info.gpu.units)
        const models = Object.values(result.sdl!.model.compute).flatMap((c) => c.gpu?.attributes ?? []).map((a) => a.key.split('/')[3])
        expect(models.sort()).toEqual([...info.gpu.models].sort())
      } else {
        expect(gpus).toBe(0)
      }
      expect(info.typicalUsdPerHour).toMatch(/^\d+\.\d{2}$/)
      expect(info.description).toMatch(/\.$/)
    })
  }

  it('hello is the small busybox page on port 8080 exposed as 80, served by Node where busybox is missing', async () => {
    const {sdl} = await readTemplate('hello', {blockTimeMs: LOCAL_BLOCK_MS})
    const web = sdl.model.services.web
    expect(web.image).toBe('busybox:1.36')
    expect(web.command).toEqual(['sh', '-c'])
    // In a container $PORT is unset (8080); a host process gets its own port in $PORT.
    expect(web.args![0]).toMatch(/port="\$\{PORT:-8080\}"/)
    expect(web.args![0]).toMatch(/exec busybox httpd -f -p "\$port" -h www/)
    expect(web.args![0]).toMatch(/command -v busybox/)
    expect(web.args![0]).toMatch(/exec node -e/)
    expect(web.args![0]).toMatch(/[Hh]ello/)
    expect(web.expose).toEqual([expect.objectContaining({port: 8080, as: 80, to: [{service: '', global: true, ip: ''}]})])
    expect(sdl.model.compute.web).toMatchObject({cpu: {millis: 100}, memory: {bytes: 64n * 1024n ** 2n}})
    expect(sdl.model.compute.web.storage[0].bytes).toBe(128n * 1024n ** 2n)
  })

  it('prices the cap per hour at the network block time', async () => {
    const local = (await readTemplate('hello', {blockTimeMs: LOCAL_BLOCK_MS})).info
    const mainnet = (await readTemplate('hello', {blockTimeMs: MAINNET_BLOCK_MS})).info
    // 100 uact per block: 3600 blocks an hour locally = 0.36 ACT, about 588 on mainnet.
    expect(local.maxUsdPerHour).toBe('$0.36')
    expect(mainnet.maxUsdPerHour).toBe('$0.06')
    expect(describeGpu(null)).toBe('none')
    expect(describeGpu({units: 1, models: ['h100'], minVramGi: 80})).toBe('1× NVIDIA (h100), 80Gi+ VRAM')
  })

  it('names the known templates when one does not exist', async () => {
    await expect(readTemplate('nope', {blockTimeMs: 1000})).rejects.toMatchObject({code: 'unknown_template', hint: expect.stringContaining('hello, ollama')})
    await expect(readTemplate('../etc', {blockTimeMs: 1000})).rejects.toBeInstanceOf(UsageError)
  })
})

describe('edge init (service)', () => {
  it('writes the template unchanged when nothing is asked for', async () => {
    const out = join(tmp(), 'deploy.yaml')
    const result = await initDeployFile({template: 'hello', out, blockTimeMs: LOCAL_BLOCK_MS})
    expect(readFileSync(out, 'utf8')).toBe((await readTemplate('hello', {blockTimeMs: 1000})).text)
    expect(result).toMatchObject({file: out, template: 'hello', service: 'web', gpu: null, region: null, warnings: []})
    expect(result.maxPricePerBlock.amount).toBe('100')
  })

  it('adds reclamation.min_window when asked (batch work that can stop with notice)', async () => {
    const out = join(tmp(), 'batch.yaml')
    const result = await initDeployFile({template: 'batch', reclamation: '1h', out, blockTimeMs: MAINNET_BLOCK_MS})
    expect(loadSdl(readFileSync(out, 'utf8')).sdl!.reclamation).toEqual({minWindow: '1h', seconds: 3600})
    expect(result.reclamation).toBe('1h')
    const none = await initDeployFile({template: 'batch', reclamation: 'none', out: join(tmp(), 'b.yaml'), blockTimeMs: MAINNET_BLOCK_MS})
    expect(none.reclamation).toBeUndefined()
  })

  it('applies GPU models, region and a USD price cap, keeping comments, and the result validates', async () => {
    const out = join(tmp(), 'sub', 'ollama.yaml')
    const result = await initDeployFile({template: 'ollama', gpu: ['h100', 'a100'], region: 'eu-central', maxPrice: '1.2usd/h', out, blockTimeMs: MAINNET_BLOCK_MS})
    const text = readFileSync(out, 'utf8')
    expect(text).toContain('# ollama: a local LLM server')
    const sdl = loadSdl(text).sdl!
    expect(sdl.model.compute.ollama.gpu!.attributes).toEqual([
      {key: 'vendor/nvidia/model/a100', value: 'true'},
      {key: 'vendor/nvidia/model/h100', value: 'true'},
    ])
    expect(sdl.model.placement.akash.attributes).toEqual([{key: 'region', value: 'eu-central'}])
    // $1.20/h = 1,200,000 uact/h; at 6.117 s a block that is 2039.1 → 2039 uact per block.
    expect(sdl.model.placement.akash.pricing.ollama).toEqual({denom: 'uact', amount: 2039n * 10n ** 18n})
    expect(result).toMatchObject({gpu: ['h100', 'a100'], region: 'eu-central', maxUsdPerHour: '$1.20'})
  })

  it('accepts a per-block cap and "any" GPU (which lint then warns about)', async () => {
    const out = join(tmp(), 'deploy.yaml')
    const result = await initDeployFile({template: 'vllm', gpu: 'any', maxPrice: '2500uact', out, blockTimeMs: MAINNET_BLOCK_MS})
    expect(result.maxPricePerBlock.amount).toBe('2500')
    expect(result.warnings.map((w) => w.code)).toEqual(['gpu-no-model'])
  })

  it('never overwrites without force, and overwrites with it', async () => {
    const out = join(tmp(), 'deploy.yaml')
    writeFileSync(out, 'mine')
    await expect(assertCanWrite(out)).rejects.toMatchObject({code: 'file_exists', exitCode: 2})
    await expect(initDeployFile({template: 'hello', out, blockTimeMs: 1000})).rejects.toMatchObject({code: 'file_exists'})
    expect(readFileSync(out, 'utf8')).toBe('mine')
    await initDeployFile({template: 'hello', out, force: true, blockTimeMs: 1000})
    expect(readFileSync(out, 'utf8')).toContain('busybox:1.36')
  })

  it('refuses --gpu for a CPU template and bad answers, with the fix', async () => {
    const out = join(tmp(), 'deploy.yaml')
    await expect(initDeployFile({template: 'hello', gpu: ['h100'], out, blockTimeMs: 1000})).rejects.toMatchObject({code: 'template_has_no_gpu'})
    expect(() => parseGpuModels('rtx 4090!')).toThrow(UsageError)
    expect(parseGpuModels('H100, a100,h100')).toEqual(['h100', 'a100'])
    expect(parseGpuModels('any')).toBe('any')
    expect(() => parsePriceCap('lots', 'uact', 1000)).toThrow(/not an amount/)
    expect(() => parsePriceCap('100uakt', 'uact', 1000)).toThrow(/priced in uact/)
    expect(parsePriceCap('3.6usd/h', 'uact', 1000)).toBe(1000n * 10n ** 18n)
    expect(parsePriceCap('10act', 'uact', 1000)).toBe(10_000_000n * 10n ** 18n)
    await expect(initDeployFile({template: 'hello', region: 'us west', out, blockTimeMs: 1000})).rejects.toMatchObject({code: 'bad_region'})
  })
})
