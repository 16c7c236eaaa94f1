/**
 * The phases that run once the deployment exists, in one module so that apply can load them in
 * the background while the chain includes the deployment, instead of on the start-up path.
 */
export {chooseBids} from './choose.js'
export {collectBids} from './collect-bids.js'
export {createLeases, reusedLeases} from './lease.js'
export {probeBidders} from './probe.js'
export {sendManifests, waitReady} from './provider-phase.js'
export {readyResult} from './result.js'
