import {useInput} from 'ink'
import {useRef, useState} from 'react'

export interface TypedEdit {
  value: string
  /** The chunk held Enter (submit what came before it) or Ctrl-C (cancel). */
  then?: 'submit' | 'cancel'
}

/**
 * Applies one chunk of typed or pasted text to `value`. A terminal delivers text and Enter in one
 * read when it is pasted, sent by tmux or expect, or arrives over a slow SSH link ("secret\r"), so
 * the keys inside a chunk count as keys: CR or LF submits what came before it (anything after it
 * is dropped), DEL and BS erase, Ctrl-U clears, Ctrl-C cancels. With `joinLines`, line breaks and
 * tabs inside the chunk become spaces and only a trailing one submits (a mnemonic pasted over
 * several lines). Other control characters are kept, for the prompt to refuse with a message.
 */
export function applyTyped(value: string, chunk: string, joinLines = false): TypedEdit {
  let text = chunk
  let submitAtEnd = false
  if (joinLines) {
    const trailing = /[\r\n]+$/.exec(text)
    if (trailing) {
      submitAtEnd = true
      text = text.slice(0, trailing.index)
    }
    text = text.replace(/\r\n|[\r\n\t]/g, ' ')
  }
  let v = value
  for (const ch of text) {
    if (ch === '\r' || ch === '\n') return {value: v, then: 'submit'}
    if (ch === '\u0003') return {value: v, then: 'cancel'}
    if (ch === '\u007F' || ch === '\b') v = dropLast(v)
    else if (ch === '\u0015') v = ''
    else v += ch
  }
  return submitAtEnd ? {value: v, then: 'submit'} : {value: v}
}

function dropLast(value: string): string {
  return Array.from(value).slice(0, -1).join('')
}

/** Bracketed-paste markers, should a terminal send them: not part of the text. */
const PASTE_MARKER = /^\[20[01]~$/

export interface TextInputOptions {
  /** Line breaks inside a pasted chunk become spaces instead of submitting. */
  joinLines?: boolean
  /** Called with the text as typed, before any trimming or checks. */
  onSubmit: (typed: string) => void
  onCancel: () => void
  /** Called on every edit (to clear a shown error). */
  onEdit?: () => void
  /** False once the prompt is answered: keys typed after that are not the prompt's. */
  active?: boolean
}

/**
 * Keyboard state of a one-line text field. The value lives in a ref as well as in state: Ink may
 * deliver several chunks before React renders again, and each must see the previous one's edit.
 */
export function useTextInput({joinLines, onSubmit, onCancel, onEdit, active = true}: TextInputOptions): {value: string; clear: () => void} {
  const current = useRef('')
  const [value, setValue] = useState('')
  const set = (v: string) => {
    current.current = v
    setValue(v)
  }
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel()
    if (key.return) return onSubmit(current.current)
    if (key.backspace || key.delete) return set(dropLast(current.current))
    if (key.ctrl && input === 'u') return set('')
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return
    if (!input || PASTE_MARKER.test(input)) return
    const edit = applyTyped(current.current, input, joinLines)
    set(edit.value)
    onEdit?.()
    if (edit.then === 'submit') onSubmit(edit.value)
    else if (edit.then === 'cancel') onCancel()
  }, {isActive: active})
  return {value, clear: () => set('')}
}
