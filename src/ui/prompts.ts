import {cannotPrompt} from '../errors.js'
import type {Choice} from './components/SelectPrompt.js'
import {renderUntilDone} from './render.js'

export type {Choice} from './components/SelectPrompt.js'

/** React is loaded only when a prompt is shown. */
const react = async () => (await import('react')).default

/**
 * Prompts. Each needs `interactive` (TTYs, no CI, text output) and otherwise fails with exit 2,
 * naming the flag or variable that answers the question instead.
 */
export interface PromptBase {
  interactive: boolean
  /** What replaces the prompt in a non-interactive run, e.g. `--template` or `EDGE_PASSPHRASE`. */
  replacement: string
  message: string
  /** The terminal to draw on and read from; process.stdout and process.stdin unless a test passes fakes. */
  io?: PromptIo
}

export interface PromptIo {
  stdin: NodeJS.ReadStream
  stdout: NodeJS.WriteStream
}

export {cannotPrompt}

/** One line of text, trimmed; control characters are refused and asked again. */
export async function promptText(
  options: PromptBase & {defaultValue?: string; validate?: (v: string) => string | undefined; what?: string},
): Promise<string> {
  if (!options.interactive) throw cannotPrompt(options.what ?? 'an answer', options.replacement)
  const {TextPrompt} = await import('./components/TextPrompt.js')
  const React = await react()
  return renderUntilDone<string>((done, cancel) =>
    React.createElement(TextPrompt, {
      message: options.message,
      defaultValue: options.defaultValue,
      validate: options.validate,
      onSubmit: done,
      onCancel: cancel,
    }),
    options.io,
  )
}

/** A masked answer (trimmed; control characters refused). `joinLines` turns line breaks inside a paste into spaces. */
export async function promptPassword(
  options: PromptBase & {what?: string; validate?: (v: string) => string | undefined; joinLines?: boolean},
): Promise<string> {
  if (!options.interactive) throw cannotPrompt(options.what ?? 'a passphrase', options.replacement)
  const {TextPrompt} = await import('./components/TextPrompt.js')
  const React = await react()
  return renderUntilDone<string>((done, cancel) =>
    React.createElement(TextPrompt, {
      message: options.message,
      mask: true,
      validate: options.validate,
      joinLines: options.joinLines,
      onSubmit: done,
      onCancel: cancel,
    }),
    options.io,
  )
}

export async function promptSelect<T>(options: PromptBase & {choices: ReadonlyArray<Choice<T>>; initialIndex?: number; what?: string}): Promise<T> {
  if (!options.interactive) throw cannotPrompt(options.what ?? 'a choice', options.replacement)
  const {SelectPrompt} = await import('./components/SelectPrompt.js')
  const React = await react()
  return renderUntilDone<T>((done, cancel) =>
    React.createElement(SelectPrompt<T>, {
      message: options.message,
      choices: options.choices,
      initialIndex: options.initialIndex,
      onSubmit: done,
      onCancel: cancel,
    }),
    options.io,
  )
}

export async function promptConfirm(options: PromptBase & {defaultValue?: boolean; what?: string}): Promise<boolean> {
  if (!options.interactive) throw cannotPrompt(options.what ?? 'a confirmation', options.replacement)
  const {ConfirmPrompt} = await import('./components/ConfirmPrompt.js')
  const React = await react()
  return renderUntilDone<boolean>((done, cancel) =>
    React.createElement(ConfirmPrompt, {message: options.message, defaultValue: options.defaultValue ?? false, onSubmit: done, onCancel: cancel}),
    options.io,
  )
}
