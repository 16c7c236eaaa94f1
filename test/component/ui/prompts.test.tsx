import {EventEmitter} from 'node:events'

import {PassThrough} from 'node:stream'

import {render} from 'ink-testing-library'
import {describe, expect, it, vi} from 'vitest'

import {ConfirmPrompt} from '../../../src/ui/components/ConfirmPrompt.js'
import {SelectPrompt} from '../../../src/ui/components/SelectPrompt.js'
import {TextPrompt} from '../../../src/ui/components/TextPrompt.js'
import {Output} from '../../../src/output/output.js'
import {applyTyped} from '../../../src/ui/hooks/use-text-input.js'
import {type PromptIo, promptConfirm, promptPassword, promptSelect, promptText} from '../../../src/ui/prompts.js'

// Longer than one frame of Ink's render throttle (30 fps), so each state is drawn before the next key.
const tick = () => new Promise((r) => setTimeout(r, 50))

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
    const other = render(<ConfirmPrompt message="Close?" defaultValue={false} onSubmit={onSubmit} onCancel={onCancel} />)
    await tick()
    other.stdin.write('\u001B')
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

/** A terminal for the prompt functions (the same shape ink-testing-library gives components). */
function fakeTerminal(): PromptIo & {type(chunk: string): void; frames: string[]} {
  const frames: string[] = []
  const stdout = Object.assign(new EventEmitter(), {columns: 100, rows: 40, isTTY: true, write: (frame: string) => frames.push(frame) > 0})
  let pending: string | null = null
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read: () => {
      const data = pending
      pending = null
      return data
    },
  })
  return {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    frames,
    type(chunk: string) {
      pending = chunk
      stdin.emit('readable')
    },
  }
}

/** Types `chunk` into the prompt once it is mounted; resolves with what the prompt resolves to. */
async function answer<T>(io: ReturnType<typeof fakeTerminal>, prompt: Promise<T>, ...chunks: string[]): Promise<T> {
  for (const chunk of chunks) {
    await tick()
    io.type(chunk)
  }
  return prompt
}

describe('text arriving with its Enter in one read (paste, tmux send-keys, slow SSH: ux-test D2)', () => {
  it('submits a masked passphrase typed with its CR as ONE chunk, without the CR, and never shows it', async () => {
    const onSubmit = vi.fn()
    const {stdin, lastFrame, frames} = render(<TextPrompt message="Passphrase" mask onSubmit={onSubmit} onCancel={() => {}} />)
    await tick()
    stdin.write('passphrase1\r')
    await tick()
    expect(onSubmit).toHaveBeenCalledTimes(1)
    expect(onSubmit).toHaveBeenCalledWith('passphrase1')
    for (const frame of [...frames, lastFrame() ?? '']) expect(frame).not.toContain('passphrase1')
  })

  it('submits on LF as on CR, trims the answer, and takes the default on an empty one', async () => {
    const onSubmit = vi.fn()
    const {stdin} = render(<TextPrompt message="Region" onSubmit={onSubmit} onCancel={() => {}} />)
    await tick()
    stdin.write('  eu-west \n')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith('eu-west')

    const withDefault = vi.fn()
    const other = render(<TextPrompt message="Price cap" defaultValue="1usd/h" onSubmit={withDefault} onCancel={() => {}} />)
    await tick()
    other.stdin.write('   \r')
    await tick()
    expect(withDefault).toHaveBeenCalledWith('1usd/h')
  })

  it('refuses a control character with a message naming it, and asks again from an empty field', async () => {
    const onSubmit = vi.fn()
    const {stdin, lastFrame} = render(<TextPrompt message="Region" onSubmit={onSubmit} onCancel={() => {}} />)
    await tick()
    stdin.write('eu\twest\r')
    await tick()
    expect(onSubmit).not.toHaveBeenCalled()
    expect(lastFrame()).toContain('a tab (\\t)')
    expect(lastFrame()).toContain('Type it again')
    stdin.write('eu-west\r')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith('eu-west')
  })

  it('keeps erasing, Ctrl-U and Ctrl-C inside a chunk as keys', async () => {
    expect(applyTyped('', 'abc\u007F\u007Fd\r')).toEqual({value: 'ad', then: 'submit'})
    expect(applyTyped('old', '\u0015new')).toEqual({value: 'new'})
    expect(applyTyped('x', 'y\u0003z')).toEqual({value: 'xy', then: 'cancel'})
    expect(applyTyped('', 'one\rtwo')).toEqual({value: 'one', then: 'submit'})
    expect(applyTyped('', 'a b\r\nc\td\n', true)).toEqual({value: 'a b c d', then: 'submit'})
  })

  it('sees every chunk when two arrive before React renders again', async () => {
    const onSubmit = vi.fn()
    const {stdin} = render(<TextPrompt message="Passphrase" mask onSubmit={onSubmit} onCancel={() => {}} />)
    await tick()
    stdin.write('pass')
    stdin.write('phrase1')
    stdin.write('\r')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith('passphrase1')
  })

  it('answers a confirmation and a choice whose Enter came in the same chunk', async () => {
    const yes = vi.fn()
    render(<ConfirmPrompt message="Close?" defaultValue={false} onSubmit={yes} onCancel={() => {}} />).stdin.write('y\r')
    const no = vi.fn()
    render(<ConfirmPrompt message="Deposit?" defaultValue={true} onSubmit={no} onCancel={() => {}} />).stdin.write('n\r')
    const picked = vi.fn()
    const select = render(<SelectPrompt message="Template?" choices={[{label: 'a', value: 1}, {label: 'b', value: 2}, {label: 'c', value: 3}]} onSubmit={picked} onCancel={() => {}} />)
    await tick()
    select.stdin.write('jj\r')
    await tick()
    expect(yes).toHaveBeenCalledWith(true)
    expect(no).toHaveBeenCalledWith(false)
    expect(picked).toHaveBeenCalledWith(3)
  })

  it('the prompt functions every command uses resolve to the answer without its CR', async () => {
    // promptPassword: wallet create/import passphrases, the unlock prompt; promptText: init and
    // provide init (host URI, region, prices); promptConfirm: close, deposit, mint, dev reset.
    let io = fakeTerminal()
    expect(await answer(io, promptPassword({interactive: true, replacement: 'EDGE_PASSPHRASE', message: 'Passphrase', io}), 'passphrase1\r')).toBe('passphrase1')
    expect(io.frames.join('')).not.toContain('passphrase1')
    io = fakeTerminal()
    expect(await answer(io, promptText({interactive: true, replacement: '--region', message: 'Region', io}), 'eu-west\r')).toBe('eu-west')
    io = fakeTerminal()
    expect(await answer(io, promptConfirm({interactive: true, replacement: '--yes', message: 'Go?', io}), 'y\r')).toBe(true)
    io = fakeTerminal()
    const validate = (v: string) => (v.length < 8 ? 'Use at least 8 characters.' : undefined)
    const fresh = promptPassword({interactive: true, replacement: 'X', message: 'New', validate, io})
    await tick()
    io.type('short\r')
    // Ink draws when it gets to it (at most ~30 frames a second, later on a busy machine): wait for the error frame.
    for (let i = 0; i < 200 && !io.frames.join('').includes('Use at least 8 characters.'); i++) await tick()
    expect(io.frames.join('')).toContain('Use at least 8 characters.')
    expect(await answer(io, fresh, 'er than that\r')).toBe('shorter than that')
    io = fakeTerminal()
    const words = 'w1 w2 w3\nw4 w5 w6\n'
    expect(await answer(io, promptPassword({interactive: true, replacement: 'X', message: 'Mnemonic', joinLines: true, io}), words)).toBe('w1 w2 w3 w4 w5 w6')
  })
})

describe('an answered prompt collapses to one line with its answer (ux-test D41)', () => {
  it('a choice leaves "✔ question label", not the list', async () => {
    const onSubmit = vi.fn()
    const {stdin, lastFrame} = render(
      <SelectPrompt message="Which template?" choices={[{label: 'hello', value: 'a'}, {label: 'ollama', value: 'b', hint: 'GPU'}]} onSubmit={onSubmit} onCancel={() => {}} />,
    )
    await tick()
    stdin.write('j\r')
    await tick()
    expect(onSubmit).toHaveBeenCalledWith('b')
    expect(lastFrame()).toBe('✔ Which template? ollama')
  })

  it('a confirmation says the answer, also when Enter took the default', async () => {
    const yes = render(<ConfirmPrompt message="Deposit 5 ACT?" defaultValue={true} onSubmit={() => {}} onCancel={() => {}} />)
    await tick()
    yes.stdin.write('\r')
    await tick()
    expect(yes.lastFrame()).toBe('✔ Deposit 5 ACT? yes')
    const no = render(<ConfirmPrompt message="Close 12?" defaultValue={true} onSubmit={() => {}} onCancel={() => {}} />)
    await tick()
    no.stdin.write('n')
    await tick()
    expect(no.lastFrame()).toBe('✔ Close 12? no')
  })

  it('a text answer is shown, a passphrase is not (not even its length)', async () => {
    const text = render(<TextPrompt message="Region" defaultValue="us-west" onSubmit={() => {}} onCancel={() => {}} />)
    await tick()
    text.stdin.write('\r')
    await tick()
    expect(text.lastFrame()).toBe('✔ Region us-west')
    const empty = render(<TextPrompt message="Region" onSubmit={() => {}} onCancel={() => {}} />)
    await tick()
    empty.stdin.write('\r')
    await tick()
    expect(empty.lastFrame()).toBe('✔ Region (none)')
    const secret = render(<TextPrompt message="Passphrase" mask onSubmit={() => {}} onCancel={() => {}} />)
    await tick()
    secret.stdin.write('hunter22\r')
    await tick()
    expect(secret.lastFrame()).toBe('✔ Passphrase (hidden)')
  })

  it('the prompt functions leave the collapsed line as the last frame on the terminal', async () => {
    const io = fakeTerminal()
    expect(await answer(io, promptSelect({interactive: true, replacement: '--template', message: 'Which template?', choices: [{label: 'hello', value: 1}, {label: 'vllm', value: 2}], io}), 'j\r')).toBe(2)
    const last = io.frames.filter((f) => f.includes('Which template?')).at(-1)!
    expect(last).toContain('✔ Which template? vllm')
    expect(last).not.toContain('hello')
  })
})

describe('no spinner is drawn over an open prompt (ux-test D5)', () => {
  it('a running step spinner stops while the prompt is open and starts again after the answer', async () => {
    const stderr = Object.assign(new PassThrough(), {isTTY: true, columns: 100, clearLine() {}, cursorTo() {}, moveCursor() {}})
    let drawn = ''
    stderr.on('data', (chunk: Buffer) => (drawn += chunk.toString('utf8')))
    const out = new Output({mode: 'text', color: false, verbose: false, facts: {stdinIsTTY: true, stdoutIsTTY: true, stderrIsTTY: true, ci: false}, stderr})
    await out.prepare()
    const progress = out.progress('init', 'Setting up the provider')
    await new Promise((r) => setTimeout(r, 200))
    expect(drawn).toContain('Setting up the provider')
    const io = fakeTerminal()
    const asked = promptText({interactive: true, replacement: '--region', message: 'Region', io})
    await tick()
    drawn = ''
    // Several spinner intervals (80 ms) pass with the prompt open: nothing is drawn on stderr.
    await new Promise((r) => setTimeout(r, 300))
    expect(drawn).toBe('')
    io.type('eu-west\r')
    expect(await asked).toBe('eu-west')
    await new Promise((r) => setTimeout(r, 200))
    expect(drawn).toContain('Setting up the provider')
    progress.succeed('Provider default is set up')
  })
})
