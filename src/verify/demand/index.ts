/** Demand tests: work sized to what the lease pays for, that a provider without the hardware cannot pass cheaply. */
export {type DemandOptions, type DemandResults, runDemandTests} from './run.js'
export {type MemoryDemandOptions, type MemoryDemandResult, judgeMemory, memoryDemandArgv, parseMemoryDemand, runMemoryDemand} from './memory.js'
export {CPU_FAIL_BELOW, CPU_WARN_BELOW, type CpuDemandResult, cpuDemandArgv, judgeCpu, parseCpuDemand, runCpuDemand} from './cpu.js'
export {GPU_PROBE_IMAGE, type GpuDemandOptions, type GpuDemandResult, type GpuDeviceResult, claimedVramBytes, gpuDemandArgv, judgeGpu, parseGpuDemand, runGpuDemand} from './gpu.js'
export {BANDWIDTH_FAIL_FRACTION, BANDWIDTH_WARN_FRACTION, FAIL_FRACTION, GPU_REFERENCES, type GpuBounds, type GpuReference, WARN_FRACTION, boundsFor} from './gpu-reference.js'
export {GPU_DEMAND_PY} from './gpu-script.js'
