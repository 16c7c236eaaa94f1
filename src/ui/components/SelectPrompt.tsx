import {Box, Text, useInput} from 'ink'
import React, {useState} from 'react'

import {useAnswer} from '../hooks/use-answer.js'
import {theme} from '../theme.js'
import {AnsweredPrompt} from './AnsweredPrompt.js'

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
  const {shown, answer} = useAnswer(onSubmit)
  const pick = (i: number) => answer(choices[i].value, choices[i].label)
  useInput(
    (input, key) => {
      if (key.escape || (key.ctrl && input === 'c')) return onCancel()
      if (key.upArrow) return setIndex((i) => (i - 1 + choices.length) % choices.length)
      if (key.downArrow) return setIndex((i) => (i + 1) % choices.length)
      if (key.return) return pick(index)
      if (key.ctrl || key.meta) return
      // Fast typing, tmux or a paste can deliver several keys in one chunk ("jj\r"): apply each.
      let next = index
      for (const c of input) {
        if (c === 'j' || c === 'k') next = (((next + (c === 'j' ? 1 : -1)) % choices.length) + choices.length) % choices.length
        else if (c === '\r' || c === '\n') return pick(next)
        else if (c === '\u0003') return onCancel()
      }
      if (next !== index) setIndex(next)
    },
    {isActive: shown === undefined},
  )
  if (shown !== undefined) return <AnsweredPrompt message={message} answer={shown} />
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
