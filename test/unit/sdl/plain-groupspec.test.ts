/**
 * The SDL emits the Market's plain GroupSpec directly: the same values that the decoder the chain
 * adapter and the provider use (groupSpecFromDecoded) reads back from the chain-sdk shape, checked
 * over the templates and Akash's own SDL vectors.
 */
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {groupSpecs, loadSdl, plainGroupSpecs} from '../../../src/sdl/index.js'
import {groupSpecFromDecoded} from '../../../src/sdl/groupspec.js'
import {readTemplate} from '../../../src/services/sdl/templates.js'
import {VECTORS, read} from './corpus-paths.js'

const TEMPLATES = ['hello', 'ollama', 'vllm', 'comfyui', 'whisper', 'jupyter', 'batch']

describe('plainGroupSpecs', () => {
  it('equals the chain-sdk shape read back, for every template', async () => {
    for (const name of TEMPLATES) {
      const {text} = await readTemplate(name, {blockTimeMs: 6117})
      const {sdl} = loadSdl(text, {file: `${name}/deploy.yaml`})
      expect(sdl, name).toBeDefined()
      expect(plainGroupSpecs(sdl!), name).toEqual(groupSpecs(sdl!).map((g) => groupSpecFromDecoded(g)))
    }
  })

  it.skipIf(!existsSync(VECTORS))("equals the chain-sdk shape read back, for Akash's valid SDL vectors", () => {
    let checked = 0
    for (const dir of ['v2.0', 'v2.1'].map((v) => join(VECTORS, 'input', v))) {
      if (!existsSync(dir)) continue
      for (const name of readdirSync(dir)) {
        const file = join(dir, name, 'input.yaml')
        if (!existsSync(file)) continue
        const {sdl} = loadSdl(read(file), {file})
        if (!sdl) continue
        expect(plainGroupSpecs(sdl), file).toEqual(groupSpecs(sdl).map((g) => groupSpecFromDecoded(g)))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
  })
})
