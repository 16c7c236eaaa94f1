/**
 * How a tool answers: the result as JSON text and as structured content; an error as a tool error
 * (isError) the model can read: a refused limit with its numbers, an edge error with its hint.
 */
import type {CallToolResult} from '@modelcontextprotocol/server'

import {EdgeError} from '../../errors.js'
import {jsonReplacer} from '../../output/output.js'
import {LimitRefusal} from '../refusal.js'
import type {McpStore} from '../store.js'

export function ok(value: unknown): CallToolResult {
  const text = JSON.stringify(value, jsonReplacer, 2)
  const plain = JSON.parse(text) as unknown
  const structured = plain !== null && typeof plain === 'object' && !Array.isArray(plain) ? (plain as Record<string, unknown>) : {items: plain}
  return {content: [{type: 'text', text}], structuredContent: structured}
}

export function failure(error: unknown): CallToolResult {
  if (error instanceof LimitRefusal) {
    return {isError: true, content: [{type: 'text', text: error.toText()}], structuredContent: error.toJSON()}
  }
  if (error instanceof EdgeError) {
    const text = `${error.message}${error.hint ? `\nHint: ${error.hint}` : ''}`
    return {isError: true, content: [{type: 'text', text}], structuredContent: {error: error.code, message: error.message, ...(error.hint ? {hint: error.hint} : {})}}
  }
  return {isError: true, content: [{type: 'text', text: (error as Error)?.message ?? String(error)}]}
}

/** Runs a read tool: its value, or its error as a tool error. */
export async function answer(run: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return ok(await run())
  } catch (error) {
    return failure(error)
  }
}

/** Runs a write tool and writes what happened to the action log, refused and failed calls too. */
export async function logged(store: McpStore, tool: string, args: Record<string, unknown>, run: () => Promise<{value: unknown; summary: string}>): Promise<CallToolResult> {
  try {
    const {value, summary} = await run()
    store.logAction({tool, outcome: 'ok', summary, args, details: JSON.parse(JSON.stringify(value, jsonReplacer)) as Record<string, unknown>})
    return ok(value)
  } catch (error) {
    if (error instanceof LimitRefusal) store.logAction({tool, outcome: 'refused', summary: error.message, args, details: error.toJSON()})
    else store.logAction({tool, outcome: 'failed', summary: (error as Error)?.message ?? String(error), args})
    return failure(error)
  }
}
