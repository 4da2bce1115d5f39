/**
 * Recognising WebSocket frames on a connection joined after its handshake (the usual way in is
 * http1's hand-over after the 101, which needs no probe). A frame header has little structure
 * (an opcode, a MASK bit, a length): random bytes pass its first two octets about once in 40. So
 * the probe asks for much before it claims: every frame in the bytes keeps the rules of frames.ts
 * for one sender (all masked: a client; none: a server), fragments and control frames in a valid
 * order (§5.4), text payloads that are UTF-8, close bodies with a valid code; and at least two
 * whole frames, each one's length landing on the next one's header, with more evidence still: a
 * client's masking, text of some length that is UTF-8, or a third frame. Encrypted or compressed
 * bytes of another protocol, probed at the start of each segment of a stream joined mid-way, then
 * pass about once in 10^5. A single message waits for the next (`more`). Compression is allowed
 * (RSV1 on a first frame): the handshake that would say is not seen. A first frame longer than
 * the probe is shown is claimed only when it is text whose octets there are UTF-8.
 */

import { isUtf8 } from 'node:buffer';
import { PROBE_LIMIT, type ProbeVerdict } from '../../dissector.js';
import { withoutPartialUtf8Tail } from '../../utf8.js';
import { Opcode, decodeHeader, emptyHeader, headerLength, headerProblem, isControl, unmask } from './frames.js';

/** Text payload octets the probe checks for UTF-8 in a frame it cannot see whole. */
const TEXT_CHECK = 1024;
/** Octets of UTF-8 text that count as evidence (fewer are too easily random). */
const TEXT_EVIDENCE = 8;

export function probe(data: Buffer): ProbeVerdict {
  const h = emptyHeader();
  let at = 0;
  let whole = 0;
  let fragmented = false;
  let masked: boolean | null = null;
  let strong = false;
  while (at < data.length) {
    if (at + 2 > data.length) break;
    const hl = headerLength(data[at + 1]!);
    if (at + hl > data.length) break;
    if (!decodeHeader(data, at, h)) return 'no';
    if (masked !== null && h.masked !== masked) return 'no';
    masked = h.masked;
    if (headerProblem(h, h.masked, true) !== null) return 'no';
    // §5.4: continuation frames only inside a fragmented message, a new one only outside it.
    if (!isControl(h.opcode) && (h.opcode === Opcode.CONTINUATION) !== fragmented) return 'no';
    const end = at + hl + h.length;
    const payload = data.subarray(at + hl, Math.min(end, data.length));
    let clear = payload;
    if (h.masked) {
      clear = Buffer.allocUnsafe(payload.length);
      unmask(payload, clear, h.maskKey, 0);
    }
    const complete = end <= data.length;
    if (!payloadFits(h.opcode, h.rsv1, clear, complete && h.fin)) return 'no';
    if (!complete) {
      // The frame goes on past these bytes: wait for it unless no more will be shown.
      if (enough(whole, strong)) return verdict(masked);
      if (data.length < PROBE_LIMIT) return 'more';
      return h.opcode === Opcode.TEXT && !h.rsv1 && clear.length >= TEXT_CHECK ? verdict(masked) : 'no';
    }
    whole++;
    if (h.masked || (h.opcode === Opcode.TEXT && !h.rsv1 && h.length >= TEXT_EVIDENCE)) strong = true;
    if (!isControl(h.opcode)) fragmented = !h.fin;
    at = end;
  }
  if (enough(whole, strong)) return verdict(masked);
  return data.length < PROBE_LIMIT ? 'more' : 'no';
}

/** Whole frames enough to claim: two with more evidence, or three. */
const enough = (whole: number, strong: boolean): boolean => whole >= 3 || (whole >= 2 && strong);

const verdict = (masked: boolean | null): ProbeVerdict => (masked === true ? 'client' : 'server');

/**
 * The payload (unmasked) agrees with the opcode: text is UTF-8 (a frame cut here, or a fragment,
 * may end inside a character), a close body is empty or a code of §7.4 with a UTF-8 reason.
 * Compressed payloads are not looked into.
 */
function payloadFits(opcode: number, compressed: boolean, clear: Buffer, whole: boolean): boolean {
  if (compressed) return true;
  if (opcode === Opcode.TEXT) return isUtf8(clear) || (!whole && isUtf8(withoutPartialUtf8Tail(clear)));
  if (opcode === Opcode.CLOSE && clear.length > 0) {
    if (clear.length < 2) return false;
    const code = clear.readUInt16BE(0);
    const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    return valid && isUtf8(clear.subarray(2));
  }
  return true;
}
