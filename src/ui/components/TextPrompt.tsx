import {Box, Text, useInput} from 'ink'
import React, {useState} from 'react'

import {theme} from '../theme.js'

export interface TextPromptProps {
  /** The question. */
  message: string
  /** Shown as `*` when true (passphrases). */
  mask?: boolean
  /** Returned when the user presses Enter on an empty answer. */
  defaultValue?: string
  /** Returns an error message for a bad answer, or undefined. */
  validate?: (value: string) => string | undefined
  onSubmit: (value: string) => void
  onCancel: () => void
}

/** One line of input; Enter submits, Esc or Ctrl-C cancels. */
export function TextPrompt({message, mask, defaultValue, validate, onSubmit, onCancel}: TextPromptProps): React.ReactElement {
  const [value, setValue] = useState('')
  const [error, setError] = useState<string | undefined>()
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel()
    if (key.return) {
      const answer = value === '' && defaultValue !== undefined ? defaultValue : value
      const problem = validate?.(answer)
      if (problem) return setError(problem)
      return onSubmit(answer)
    }
    if (key.backspace || key.delete) return setValue((v) => v.slice(0, -1))
    if (input && !key.ctrl && !key.meta) {
      setError(undefined)
      setValue((v) => v + input)
    }
  })
  const shown = mask ? '*'.repeat(value.length) : value
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={theme.accent}>? </Text>
        {message}
        {defaultValue !== undefined && !mask ? <Text color={theme.muted}> ({defaultValue})</Text> : null} {shown}
        <Text color={theme.muted}>▏</Text>
      </Text>
      {error ? <Text color={theme.error}>{error}</Text> : null}
    </Box>
  )
}
