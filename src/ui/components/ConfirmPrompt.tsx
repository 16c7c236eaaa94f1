import {Text, useInput} from 'ink'
import React from 'react'

import {theme} from '../theme.js'

export interface ConfirmPromptProps {
  message: string
  defaultValue: boolean
  onSubmit: (value: boolean) => void
  onCancel: () => void
}

/** y/n, Enter takes the default. Keys that arrive in one read ("y\r" from tmux or a paste) count one by one. */
export function ConfirmPrompt({message, defaultValue, onSubmit, onCancel}: ConfirmPromptProps): React.ReactElement {
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel()
    if (key.return) return onSubmit(defaultValue)
    if (key.ctrl || key.meta) return
    for (const ch of input) {
      if (ch === 'y' || ch === 'Y') return onSubmit(true)
      if (ch === 'n' || ch === 'N') return onSubmit(false)
      if (ch === '\r' || ch === '\n') return onSubmit(defaultValue)
      if (ch === '\u0003') return onCancel()
    }
  })
  return (
    <Text>
      <Text color={theme.accent}>? </Text>
      {message} <Text color={theme.muted}>{defaultValue ? '(Y/n)' : '(y/N)'}</Text>
    </Text>
  )
}
