export { waitFor, WaitTimeout } from './wait-for.js';
export type { WaitOptions } from './wait-for.js';
export { ip, ipQuiet } from './ip-command.js';
export { StallingProxy } from './stalling-proxy.js';
export type { PcapFault } from './stalling-proxy.js';
export { TlsPods, runningAsRoot } from './tls-pods.js';
export type { RunResult } from './tls-pods.js';
