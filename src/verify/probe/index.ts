/** The hardware probe: a POSIX sh script run in the lease's container, its parser, and the comparison with what the lease pays for. */
export {PROBE_SCRIPT, probeArgv} from './script.js'
export {type CgroupLimit, type DiskFact, type ProbeFacts, cpuListCount, parseProbe} from './parse.js'
export {type GpuFacts, type KernelGpu, type PciGpu, type SmiGpu, parseSmiLine} from './parse-gpu.js'
export {type ClaimOptions, type GpuClaim, type LeaseClaim, type ResourceUnitLike, claimFromResources, parseGpuAttributeKey, resourcesFromManifest} from './claim.js'
export {compareCpu, compareMemory, compareProbe} from './compare.js'
export {compareGpus} from './compare-gpu.js'
export {type GpuInterface, type GpuModelInfo, NVIDIA_PCI_DEVICES, modelOfDeviceId, modelOfName, normalizeBusId} from './gpu-models.js'
export {type ProbeResult, runProbe} from './run.js'
