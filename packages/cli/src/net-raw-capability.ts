import fs from 'node:fs';

/** Bit of CAP_NET_RAW in the capability masks (linux/capability.h). */
const CAP_NET_RAW = 13;

/**
 * Whether this process may open packet sockets, from the effective capability set in
 * /proc/self/status (proc(5), CapEff). Root without capabilities, or a user with
 * `setcap cap_net_raw+eip` on node, both show here. Undefined where that file does not exist
 * (not Linux): the capture's own error then tells.
 */
export function hasNetRaw(): boolean | undefined {
  let status: string;
  try {
    status = fs.readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
  const hex = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(status)?.[1];
  if (hex === undefined) return undefined;
  return (BigInt(`0x${hex}`) >> BigInt(CAP_NET_RAW)) % 2n === 1n;
}
