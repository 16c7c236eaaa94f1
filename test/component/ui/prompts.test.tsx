import {render} from 'ink-testing-library'
import React from 'react'
import {describe, expect, it, vi} from 'vitest'

import {ConfirmPrompt} from '../../../src/ui/components/ConfirmPrompt.js'
import {SelectPrompt} from '../../../src/ui/components/SelectPrompt.js'
import {TextPrompt} from '../../../src/ui/components/TextPrompt.js'
import {promptSelect} from '../../../src/ui/prompts.js'

const tick = () => new Promise((r) => setTimeout(r, 30))

describe('prompts', () => {
  it('selects with arrow keys and Enter', async () => {
    const onSubmit = vi.fn()
    const {stdin, lastFrame} = render(
      <SelectPrompt message="Template?" choices={[{label: 'hello', value: 'a'}, {label: 'ollama', value: 'b'}, {label: 'vllm', value: 'c'}]} onSubmit={onSubmit} onCancel={() => {}} />,
    )
    await tick()
    stdin.write('\u001B[B')
    await tick()
    expect(lastFrame()).toContain('❯ ollama')
    stdin.write('jj')
    await tick()
    expect(lastFrame()).toContain('❯ hello')
    stdin.write('\r')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith('a')
  })

  it('masks passphrases and validates answers', async () => {
    const onSubmit = vi.fn()
    const {stdin, lastFrame} = render(
      <TextPrompt message="Passphrase" mask validate={(v) => (v.length < 3 ? 'Too short.' : undefined)} onSubmit={onSubmit} onCancel={() => {}} />,
    )
    await tick()
    stdin.write('ab')
    await tick()
    expect(lastFrame()).toContain('**')
    expect(lastFrame()).not.toContain('ab')
    stdin.write('\r')
    await tick()
    expect(lastFrame()).toContain('Too short.')
    stdin.write('c')
    await tick()
    stdin.write('\r')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith('abc')
  })

  it('confirms with y and cancels with Esc', async () => {
    const onSubmit = vi.fn()
    const onCancel = vi.fn()
    const {stdin} = render(<ConfirmPrompt message="Close?" defaultValue={false} onSubmit={onSubmit} onCancel={onCancel} />)
    await tick()
    stdin.write('y')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith(true)
    stdin.write('\u001B')
    await tick()
    expect(onCancel).toHaveBeenCalled()
  })

  it('refuses to prompt when not interactive, naming the flag', async () => {
    await expect(promptSelect({interactive: false, replacement: '--template', message: 'x', choices: []})).rejects.toMatchObject({
      exitCode: 2,
      hint: 'Pass --template.',
    })
  })
})
