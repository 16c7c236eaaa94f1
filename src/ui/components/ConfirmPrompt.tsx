import {Text, useInput} from 'ink'
import React from 'react'

import {theme} from '../theme.js'

export interface ConfirmPromptProps {
  message: string
  defaultValue: boolean
  onSubmit: (value: boolean) => void
  onCancel: () => void
}

/** y/n, Enter takes the default. */
export function ConfirmPrompt({message, defaultValue, onSubmit, onCancel}: ConfirmPromptProps): React.ReactElement {
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel()
    if (input === 'y' || input === 'Y') return onSubmit(true)
    if (input === 'n' || input === 'N') return onSubmit(false)
    if (key.return) return onSubmit(defaultValue)
  })
  return (
    <Text>
      <Text color={theme.accent}>? </Text>
      {message} <Text color={theme.muted}>{defaultValue ? '(Y/n)' : '(y/N)'}</Text>
    </Text>
  )
}
