/**
 * The feed's flush schedule: on an animation frame, and at most once per `intervalMs`. Every
 * flush renders the feed, and at thousands of entries a second each render replaces every row on
 * screen: nobody reads rows at that pace, but rendering them 60 times a second is what took the
 * page's frames (bench/front). Entries arriving slower than that still show on the next frame.
 */
export interface PacedScheduleOptions {
  intervalMs: number;
  /** requestAnimationFrame in the page. */
  frame: (fn: () => void) => void;
  setTimer: (fn: () => void, ms: number) => unknown;
  now: () => number;
}

export function pacedSchedule(o: PacedScheduleOptions): (flush: () => void) => void {
  let last = -Infinity;
  return (flush) => {
    const run = () =>
      o.frame(() => {
        last = o.now();
        flush();
      });
    const wait = last + o.intervalMs - o.now();
    if (wait <= 0) run();
    else o.setTimer(run, wait);
  };
}
