import {Box, Text, useInput} from 'ink'
import React, {useState} from 'react'

import {theme} from '../theme.js'

export interface Choice<T> {
  label: string
  value: T
  /** A dim note after the label. */
  hint?: string
}

export interface SelectPromptProps<T> {
  message: string
  choices: ReadonlyArray<Choice<T>>
  initialIndex?: number
  onSubmit: (value: T) => void
  onCancel: () => void
}

/** Arrow keys (or j/k) move, Enter picks, Esc cancels. */
export function SelectPrompt<T>({message, choices, initialIndex = 0, onSubmit, onCancel}: SelectPromptProps<T>): React.ReactElement {
  const [index, setIndex] = useState(Math.min(initialIndex, choices.length - 1))
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel()
    if (key.upArrow) return setIndex((i) => (i - 1 + choices.length) % choices.length)
    if (key.downArrow) return setIndex((i) => (i + 1) % choices.length)
    if (key.return) return onSubmit(choices[index].value)
    // Fast typing can deliver several keys in one chunk ("jjk"): apply each.
    const moves = [...input].reduce((n, c) => n + (c === 'j' ? 1 : c === 'k' ? -1 : 0), 0)
    if (moves !== 0) setIndex((i) => (((i + moves) % choices.length) + choices.length) % choices.length)
  })
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={theme.accent}>? </Text>
        {message}
      </Text>
      {choices.map((choice, i) => (
        <Text key={i} color={i === index ? theme.accent : undefined}>
          {i === index ? '❯ ' : '  '}
          {choice.label}
          {choice.hint ? <Text color={theme.muted}> {choice.hint}</Text> : null}
        </Text>
      ))}
    </Box>
  )
}
