import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { liveCaptureAvailability, openLiveCapture, type LiveBackend } from '@shoal/capture';
import { waitFor } from '@shoal/testkit';
import { PacketLog } from './helpers/netns-packets.js';

const available = liveCaptureAvailability();
const skip = process.getuid?.() !== 0 ? 'needs root' : available.available ? false : available.reason;
const UDP = 17;

/**
 * A UDP port of 127.0.0.1 held by this process: no other test (or lab DNS) on the machine
 * receives on it while the capture counts its datagrams.
 */
async function heldPort(): Promise<{ port: number; release: () => void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, release: () => socket.close() };
}

/** Sends `count` datagrams to 127.0.0.1:port. */
async function sendDatagrams(port: number, count: number): Promise<void> {
  const socket = createSocket('udp4');
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => socket.send(`datagram ${i}`, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }
  socket.close();
}

describe('loopback capture', { skip }, () => {
  // The loopback device shows each packet to packet sockets twice (leaving and arriving); a
  // capture must deliver it once, as tcpdump does.
  for (const backend of ['af_packet', 'libpcap'] as LiveBackend[]) {
    it(`${backend} delivers each loopback packet once`, async () => {
      const { port, release } = await heldPort();
      const log = new PacketLog();
      const capture = openLiveCapture({ backend, interface: 'lo', filter: `udp port ${port}` }, log);
      try {
        await sendDatagrams(port, 40);
        // Everything the kernel counted has reached the sink: a second copy of each datagram,
        // had the kernel passed it, would be counted and delivered too.
        await waitFor(() => `the capture to deliver what it received: ${JSON.stringify(capture.stats())}`, () => {
          const s = capture.stats();
          return s.received >= 40 && s.delivered === s.received && s.queued === 0;
        });
      } finally {
        capture.close();
        release();
      }
      assert.equal(log.count(UDP, port), 40);
      // Both have the kernel skip the leaving copy on lo (PACKET_IGNORE_OUTGOING), so it is
      // neither copied nor counted as received.
      assert.equal(capture.stats().received, 40);
    });
  }
});
