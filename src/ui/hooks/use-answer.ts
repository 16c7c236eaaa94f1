import {useEffect, useState} from 'react'

/**
 * An answered prompt: `answer(value, shown)` first draws the prompt as one line with its answer,
 * then hands the value on once that frame is committed, so the line is what stays on the terminal
 * when the prompt unmounts (ux-test D41), not the whole choice list or a bare "(Y/n)".
 */
export function useAnswer<T>(onSubmit: (value: T) => void): {shown?: string; answer(value: T, shown: string): void} {
  const [answered, setAnswered] = useState<{value: T; shown: string}>()
  useEffect(() => {
    if (answered) onSubmit(answered.value)
    // Runs once per answer (the first one wins, see `answer`); onSubmit is the same callback throughout.
  }, [answered])
  return {
    shown: answered?.shown,
    answer: (value, shown) => setAnswered((prev) => prev ?? {value, shown}),
  }
}
