import {Box, Text} from 'ink'
import React from 'react'

import type {BidView} from '../../../services/deploy/events.js'
import {theme} from '../../theme.js'
import {shortAddress} from './table-format.js'

export interface BidTableProps {
  /** Rows, best first. */
  bids: readonly BidView[]
  /** Highlighted row, or -1 for none. */
  selected?: number
}

export {shortAddress}

const COLUMNS = [
  {header: 'PROVIDER', width: 19},
  {header: 'REGION', width: 10},
  {header: 'USD/H', width: 9},
  {header: 'LATENCY', width: 8},
  {header: 'AUDITED', width: 8},
  {header: 'GPU', width: 8},
  {header: 'SCORE', width: 6},
] as const

function cells(b: BidView): string[] {
  return [
    shortAddress(b.provider),
    b.region ?? '-',
    b.usdPerHour ?? b.price,
    b.latencyMs !== undefined ? `${Math.round(b.latencyMs)} ms` : '-',
    b.audited ? 'yes' : 'no',
    b.gpu ?? '-',
    b.score.toFixed(1),
  ]
}

const pad = (s: string, width: number) => (s.length >= width ? s.slice(0, width) : s + ' '.repeat(width - s.length))

/** The bid table: provider, region, USD/h, measured latency, audited, GPU, score. */
export function BidTable({bids, selected = -1}: BidTableProps): React.ReactElement {
  return (
    <Box flexDirection="column">
      <Text color={theme.muted}>{'  ' + COLUMNS.map((c) => pad(c.header, c.width)).join(' ')}</Text>
      {bids.map((b, i) => (
        <Text key={`${b.provider}/${b.gseq}/${b.oseq}/${b.bseq}`} color={i === selected ? theme.accent : undefined}>
          {i === selected ? '❯ ' : '  '}
          {cells(b)
            .map((c, j) => pad(c, COLUMNS[j].width))
            .join(' ')}
        </Text>
      ))}
    </Box>
  )
}
