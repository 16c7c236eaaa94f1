import {Text, useInput} from 'ink'
import React from 'react'

import {useAnswer} from '../hooks/use-answer.js'
import {theme} from '../theme.js'
import {AnsweredPrompt} from './AnsweredPrompt.js'

export interface ConfirmPromptProps {
  message: string
  defaultValue: boolean
  onSubmit: (value: boolean) => void
  onCancel: () => void
}

/** y/n, Enter takes the default. Keys that arrive in one read ("y\r" from tmux or a paste) count one by one. */
export function ConfirmPrompt({message, defaultValue, onSubmit, onCancel}: ConfirmPromptProps): React.ReactElement {
  const {shown, answer} = useAnswer(onSubmit)
  const submit = (value: boolean) => answer(value, value ? 'yes' : 'no')
  useInput(
    (input, key) => {
      if (key.escape || (key.ctrl && input === 'c')) return onCancel()
      if (key.return) return submit(defaultValue)
      if (key.ctrl || key.meta) return
      for (const ch of input) {
        if (ch === 'y' || ch === 'Y') return submit(true)
        if (ch === 'n' || ch === 'N') return submit(false)
        if (ch === '\r' || ch === '\n') return submit(defaultValue)
        if (ch === '\u0003') return onCancel()
      }
    },
    {isActive: shown === undefined},
  )
  if (shown !== undefined) return <AnsweredPrompt message={message} answer={shown} />
  return (
    <Text>
      <Text color={theme.accent}>? </Text>
      {message} <Text color={theme.muted}>{defaultValue ? '(Y/n)' : '(y/N)'}</Text>
    </Text>
  )
}
