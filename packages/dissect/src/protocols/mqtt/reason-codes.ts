/**
 * Reason codes in words: 5.0's (§2.4: below 0x80 success, from 0x80 failure; the same code
 * means different things in different packets: 0x00 is Success, Normal disconnection and
 * Granted QoS 0), and 3.1.1's CONNACK return codes (§3.2.2.3) and SUBACK return codes (§3.9.3).
 */

const V5: Readonly<Record<number, string>> = {
  0x00: 'success',
  0x01: 'granted QoS 1',
  0x02: 'granted QoS 2',
  0x04: 'disconnect with will message',
  0x10: 'no matching subscribers',
  0x11: 'no subscription existed',
  0x18: 'continue authentication',
  0x19: 're-authenticate',
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8b: 'server shutting down',
  0x8c: 'bad authentication method',
  0x8d: 'keep alive timeout',
  0x8e: 'session taken over',
  0x8f: 'topic filter invalid',
  0x90: 'topic name invalid',
  0x91: 'packet identifier in use',
  0x92: 'packet identifier not found',
  0x93: 'receive maximum exceeded',
  0x94: 'topic alias invalid',
  0x95: 'packet too large',
  0x96: 'message rate too high',
  0x97: 'quota exceeded',
  0x98: 'administrative action',
  0x99: 'payload format invalid',
  0x9a: 'retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9e: 'shared subscriptions not supported',
  0x9f: 'connection rate exceeded',
  0xa0: 'maximum connect time',
  0xa1: 'subscription identifiers not supported',
  0xa2: 'wildcard subscriptions not supported',
};

const CONNACK_V3: readonly string[] = ['accepted', 'unacceptable protocol version', 'identifier rejected', 'server unavailable', 'bad user name or password', 'not authorized'];

/** `code` of a packet of type `type` (packets.ts PacketType) on a connection of `level`, in words. */
export function reasonName(code: number, type: number, level: number): string {
  if (level < 5) {
    if (type === 2) return CONNACK_V3[code] ?? `return code ${code}`;
    if (type === 9) return code === 0x80 ? 'failure' : code <= 2 ? `granted QoS ${code}` : `return code ${code}`;
  }
  if (code === 0 && type === 9) return 'granted QoS 0';
  if (code === 0 && type === 14) return 'normal disconnection';
  if (code === 0 && type === 2) return 'accepted';
  return Object.hasOwn(V5, code) ? V5[code]! : `reason code 0x${code.toString(16).padStart(2, '0')}`;
}

/** The code says the operation failed: 5.0's from 0x80, a 3.1.1 CONNACK's refusal, a SUBACK's failure. */
export function isFailure(code: number, type: number, level: number): boolean {
  if (level < 5 && type === 2) return code !== 0;
  return code >= 0x80;
}
