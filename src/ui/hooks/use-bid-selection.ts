import {useInput} from 'ink'
import {useState} from 'react'

/**
 * Keyboard state of the bid picker: ↑/↓ (or k/j) move, Enter picks, Esc or Ctrl-C cancels (which
 * closes the deployment, so nothing stays locked).
 */
export function useBidSelection(count: number, onSubmit: (index: number) => void, onCancel: () => void, initial = 0): number {
  const [index, setIndex] = useState(Math.max(0, Math.min(initial, count - 1)))
  useInput((input, key) => {
    if (count === 0) return
    if (key.escape || (key.ctrl && input === 'c')) return onCancel()
    if (key.upArrow || input === 'k') return setIndex((i) => (i - 1 + count) % count)
    if (key.downArrow || input === 'j') return setIndex((i) => (i + 1) % count)
    if (key.return) return onSubmit(index)
  })
  return index
}
