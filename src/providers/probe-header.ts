// The header every active health probe carries (probe-deployment.ts), as health checkers name
// themselves (Envoy's `user-agent: Envoy/HC`): an upstream's logs, or the simulator's counts, can
// tell the gateway's synthetic probes from client traffic.
export const probeHeader = 'x-switchyard-probe';
