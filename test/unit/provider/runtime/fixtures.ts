import type {ManifestExpose, ManifestService} from '../../../../src/provider/runtime/manifest-types.js'
import type {LeaseId} from '../../../../src/provider/runtime/types.js'

export const lease: LeaseId = {owner: 'akash1owner', dseq: '1234', gseq: 1, oseq: 2, provider: 'akash1provider'}

export const httpOptions = {
  maxBodySize: 1_048_576,
  readTimeout: 60_000,
  sendTimeout: 60_000,
  nextTries: 3,
  nextTimeout: 0,
  nextCases: ['error', 'timeout'],
}

export function expose(partial: Partial<ManifestExpose> & {port: number}): ManifestExpose {
  return {
    externalPort: 0,
    proto: 'TCP',
    service: '',
    global: false,
    hosts: null,
    httpOptions,
    ip: '',
    endpointSequenceNumber: 0,
    ...partial,
  }
}

export function service(partial: Partial<ManifestService> & {name: string}): ManifestService {
  return {
    image: 'busybox:1.36',
    command: null,
    args: null,
    env: null,
    count: 1,
    resources: {cpu: {units: {val: '500'}}, memory: {size: {val: '134217728'}}, storage: [{name: 'default', size: {val: '536870912'}}]},
    expose: null,
    ...partial,
  }
}

