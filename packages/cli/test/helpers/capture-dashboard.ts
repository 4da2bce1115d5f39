/**
 * `shoal view CAPTURE` with its dashboard: a real hub over a capture file and the page in front
 * of it, in one process, as a user gets them. `stop` ends it with Ctrl-C, by PID.
 */
import { fixture } from './fixtures.js';
import { dashboardBase } from './front-session.js';
import { ServingShoal } from './serving-shoal.js';

export interface CaptureDashboard {
  /** The hub's own URL, for asking it directly what the page should show. */
  hub: string;
  /** The dashboard's sign-in link, as printed (…/?token=…). */
  link: string;
  /** The dashboard's URL (its origin, no token). */
  url: string;
  stop(): Promise<void>;
}

/** `capture` names an HTTP/1 fixture (`keep-alive.pcap`). */
export const dashboardOn = (capture: string): Promise<CaptureDashboard> => dashboardOnFile(fixture(capture));

/** `file` is a capture's path relative to the repository root (another protocol's fixture). */
export async function dashboardOnFile(file: string): Promise<CaptureDashboard> {
  const view = new ServingShoal(['view', file, '--port', '0', '--front-port', '0']);
  try {
    const link = await view.dashboardLink();
    return { hub: await view.hubUrl(), link, url: dashboardBase(link), stop: async () => void (await view.stop()) };
  } catch (err) {
    await view.stop();
    throw err;
  }
}
