import type {AbciEvent, Events, ProtoCodec} from '../types.js'
import {toProtoJson} from './proto-json.js'

/** Collects the events of one execution scope (a tx's ante handler, one message, a block hook). */
export class EventManager implements Events {
  readonly events: AbciEvent[] = []

  emit(type: string, attributes: Record<string, string>): void {
    this.events.push({type, attributes: Object.entries(attributes).map(([key, value]) => ({key, value, index: true}))})
  }

  /**
   * The SDK's `TypedEventToEvent`: type = full proto name, one attribute per top-level field in
   * key order, value = that field's proto-JSON (so strings keep their quotes).
   */
  emitTyped<T>(codec: ProtoCodec<T>, message: T): void {
    const json = toProtoJson(codec, message)
    const keys = Object.keys(json).sort()
    this.events.push({
      type: codec.$type,
      attributes: keys.map((key) => ({key, value: JSON.stringify(json[key]), index: true})),
    })
  }

  push(...events: AbciEvent[]): void {
    this.events.push(...events)
  }
}

/** Appends an attribute to every event (the SDK tags message events with `msg_index`, block events with `mode`). */
export function tagEvents(events: AbciEvent[], key: string, value: string): AbciEvent[] {
  return events.map((e) => ({type: e.type, attributes: [...e.attributes, {key, value, index: true}]}))
}
