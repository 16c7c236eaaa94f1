import {Text} from 'ink'
import React from 'react'

import {theme} from '../theme.js'

/** What an answered prompt collapses to: "✔ Which template? hello". */
export function AnsweredPrompt({message, answer}: {message: string; answer: string}): React.ReactElement {
  return (
    <Text>
      <Text color={theme.success}>✔ </Text>
      {message} <Text color={theme.accent}>{answer}</Text>
    </Text>
  )
}
