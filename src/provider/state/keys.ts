import type {OrderId} from '../../market/market.js'
import type {LeaseId as RuntimeLeaseId} from '../runtime/types.js'

/** `owner/dseq/gseq/oseq`: one order, its bid and its lease share it (the provider is always us). */
export function orderKey(id: {owner: string; dseq: bigint | string; gseq: number; oseq: number}): string {
  return `${id.owner}/${id.dseq}/${id.gseq}/${id.oseq}`
}

export function parseOrderKey(key: string): OrderId {
  const [owner, dseq, gseq, oseq] = key.split('/')
  return {owner, dseq: BigInt(dseq), gseq: Number(gseq), oseq: Number(oseq)}
}

export function runtimeLeaseId(id: OrderId, provider: string): RuntimeLeaseId {
  return {owner: id.owner, dseq: id.dseq.toString(), gseq: id.gseq, oseq: id.oseq, provider}
}
