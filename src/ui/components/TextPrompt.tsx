import {Box, Text} from 'ink'
import React, {useState} from 'react'

import {findControlCharacter} from '../../input.js'
import {useAnswer} from '../hooks/use-answer.js'
import {useTextInput} from '../hooks/use-text-input.js'
import {theme} from '../theme.js'
import {AnsweredPrompt} from './AnsweredPrompt.js'

export interface TextPromptProps {
  /** The question. */
  message: string
  /** Shown as `*` when true (passphrases). */
  mask?: boolean
  /** Returned when the user presses Enter on an empty answer. */
  defaultValue?: string
  /** Line breaks inside a paste become spaces (a mnemonic pasted over several lines). */
  joinLines?: boolean
  /** Returns an error message for a bad answer, or undefined. */
  validate?: (value: string) => string | undefined
  onSubmit: (value: string) => void
  onCancel: () => void
}

/**
 * One line of input; Enter submits, Esc or Ctrl-C cancels. The answer is trimmed, and one that
 * holds a control character (a Tab in a paste, say) is refused and asked again: it could not be
 * typed back, and on chain or as a passphrase it would be lost (ux-test D2).
 */
export function TextPrompt({message, mask, defaultValue, joinLines, validate, onSubmit, onCancel}: TextPromptProps): React.ReactElement {
  const [error, setError] = useState<string | undefined>()
  const {shown: answered, answer: settle} = useAnswer(onSubmit)
  const input = useTextInput({
    active: answered === undefined,
    joinLines,
    onCancel,
    onEdit: () => setError(undefined),
    onSubmit: (typed) => {
      const trimmed = typed.trim()
      const answer = trimmed === '' && defaultValue !== undefined ? defaultValue : trimmed
      const control = findControlCharacter(answer)
      if (control) {
        input.clear()
        return setError(`That answer held ${control}; control characters are not allowed. Type it again.`)
      }
      const problem = validate?.(answer)
      if (problem) return setError(problem)
      // A passphrase is never shown, not even as its length; an empty answer (a field left open) says so.
      settle(answer, mask ? '(hidden)' : answer === '' ? '(none)' : answer)
    },
  })
  if (answered !== undefined) return <AnsweredPrompt message={message} answer={answered} />
  const shown = mask ? '*'.repeat(Array.from(input.value).length) : input.value
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
