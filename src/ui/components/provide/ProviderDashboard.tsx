import {Box, Text} from 'ink'
import React from 'react'

import type {ProviderEvent} from '../../../provider/events.js'
import {useStore} from '../../hooks/use-store.js'
import type {ReducerStore} from '../../live-view.js'
import {theme} from '../../theme.js'
import type {DashboardState} from './dashboard-state.js'
import {count} from '../../../lib/plural.js'

export interface ProviderDashboardProps {
  /** The provider's events folded into the dashboard's state (the base command feeds it). */
  store: ReducerStore<DashboardState, ProviderEvent>
  name: string
}

function Bar({label, value}: {label: string; value: number}): React.ReactElement {
  const width = 20
  const filled = Math.max(0, Math.min(width, Math.round(value * width)))
  const color = value > 0.9 ? theme.error : value > 0.7 ? theme.warning : theme.success
  return (
    <Text>
      {label.padEnd(8)}
      <Text color={color}>{'█'.repeat(filled)}</Text>
      <Text color={theme.muted}>{'░'.repeat(width - filled)}</Text> {Math.round(value * 100)}%
    </Text>
  )
}

/** `edge provide start` in a terminal: orders, bids, leases, utilisation and earnings, live. */
export function ProviderDashboard({store, name}: ProviderDashboardProps): React.ReactElement {
  return <DashboardView state={useStore(store)} name={name} />
}

export function DashboardView({state, name}: {state: DashboardState; name: string}): React.ReactElement {
  const skips = Object.entries(state.skips)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([r, n]) => `${r} ${n}`)
    .join(', ')
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
      <Text>
        <Text bold color={theme.accent}>edge provide</Text> {name}
        {state.address ? <Text color={theme.muted}> · {state.address} · {state.network}</Text> : <Text color={theme.muted}> · starting…</Text>}
        {state.stopped ? <Text color={theme.warning}> · stopped</Text> : null}
      </Text>
      {state.hostUri ? (
        <Text color={theme.muted}>
          gateway {state.hostUri} · gRPC {state.grpcUrl} · ingress {state.ingressUrl} · {state.runtime}
        </Text>
      ) : null}
      <Box marginTop={1} flexDirection="row" gap={4}>
        <Box flexDirection="column">
          <Text>block        {state.height}</Text>
          <Text>open orders  {state.openOrders}</Text>
          <Text>orders seen  {state.ordersSeen}</Text>
          <Text>bids open    {state.bidsOpen}</Text>
          <Text>bids placed  {state.bidsPlaced}</Text>
          <Text>leases won   {state.leasesWon}</Text>
          <Text>leases now   {state.leasesActive}</Text>
        </Box>
        <Box flexDirection="column">
          <Bar label="cpu" value={state.utilisation.cpu} />
          <Bar label="memory" value={state.utilisation.memory} />
          <Bar label="storage" value={state.utilisation.storage} />
          <Bar label="gpu" value={state.utilisation.gpu} />
          <Text>
            earnings <Text color={theme.success}>${state.earningsUsdPerHour}/h</Text>
          </Text>
          {state.lastBid ? (
            <Text color={theme.muted}>
              last bid {count(state.lastBid.blocks, 'block')}, {state.lastBid.ms} ms after its order
            </Text>
          ) : null}
          {skips ? <Text color={theme.muted}>skipped: {skips}</Text> : null}
        </Box>
      </Box>
      {state.reclaiming.length > 0 ? (
        <Box marginTop={1} flexDirection="column">
          {state.reclaiming.map((r) => (
            <Text key={r.lease} color={theme.warning} wrap="truncate-end">
              reclaiming {r.lease} ({r.reason}) · closes {r.deadline}
            </Text>
          ))}
        </Box>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        {state.activity.map((a, i) => (
          <Text key={`${a.ts}-${i}`} color={a.kind === 'warn' ? theme.warning : a.kind === 'good' ? theme.success : undefined} wrap="truncate-end">
            <Text color={theme.muted}>{a.ts.slice(11, 19)} </Text>
            {a.text}
          </Text>
        ))}
      </Box>
    </Box>
  )
}
