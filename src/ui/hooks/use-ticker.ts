import {useEffect, useState} from 'react'

/** Re-renders every `ms` while `active`, for spinners and running timers. */
export function useTicker(active: boolean, ms = 100): number {
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => setTick((t) => t + 1), ms)
    return () => clearInterval(timer)
  }, [active, ms])
  return tick
}
