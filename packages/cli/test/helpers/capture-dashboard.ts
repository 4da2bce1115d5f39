/**
 * `shoal view CAPTURE` with its dashboard: a real hub over a capture file and the page in front
 * of it, in one process, as a user gets them. `stop` ends it with Ctrl-C, by PID.
 */
import { fixture } from './fixtures.js';
import { ServingShoal } from './serving-shoal.js';

export interface CaptureDashboard {
  /** The hub's own URL, for asking it directly what the page should show. */
  hub: string;
  /** The dashboard's URL. */
  url: string;
  stop(): Promise<void>;
}

/** `capture` names a fixture (`keep-alive.pcap`). */
export async function dashboardOn(capture: string): Promise<CaptureDashboard> {
  const view = new ServingShoal(['view', fixture(capture), '--port', '0', '--front-port', '0']);
  try {
    return { hub: await view.hubUrl(), url: await view.dashboardUrl(), stop: async () => void (await view.stop()) };
  } catch (err) {
    await view.stop();
    throw err;
  }
}
