export {IngressProxy, type IngressProxyOptions} from './proxy.js'
export {RouteTable, type IngressRoute, type IngressTarget, type SetRoutesResult} from './route-table.js'
export {
  ingressHostname,
  normalizeHostname,
  planLeaseIngress,
  type ForwardedPort,
  type IngressPlanOptions,
  type LeaseIngressPlan,
} from './hostnames.js'
