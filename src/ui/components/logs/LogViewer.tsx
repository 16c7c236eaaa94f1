import {Box, Static, Text} from 'ink'
import React from 'react'

import {theme} from '../../theme.js'
import {useStore} from '../../hooks/use-store.js'
import type {LogStore} from './log-store.js'

const COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue'] as const

function colorFor(service: string): (typeof COLORS)[number] {
  let h = 0
  for (const c of service) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return COLORS[h % COLORS.length]
}

/** Log lines, written once each through <Static>, under a one-line live status. */
export function LogViewer({store, title}: {store: LogStore; title: string}): React.ReactElement {
  const state = useStore(store)
  return (
    <Box flexDirection="column">
      <Static key={state.generation} items={state.lines}>
        {(line) => (
          <Text key={line.id}>
            <Text color={colorFor(line.service)}>[{line.service}]</Text> {line.message}
          </Text>
        )}
      </Static>
      {state.status === 'ended' ? null : (
        <Text color={state.status === 'reconnecting' || state.status === 'failed' ? theme.warning : theme.muted}>
          {state.status === 'connecting'
            ? `Connecting to ${title}…`
            : state.status === 'reconnecting'
              ? `Reconnecting to ${title}: ${state.note ?? ''}`
              : state.status === 'failed'
                ? `Stopped: ${state.note ?? ''}`
                : state.count === 0
                  ? `Connected to ${title}; no log lines yet (Ctrl-C to stop)`
                  : `${title}: ${state.count} line${state.count === 1 ? '' : 's'} (Ctrl-C to stop)`}
        </Text>
      )}
    </Box>
  )
}
