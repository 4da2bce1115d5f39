/**
 * The headers of a /pcap answer (docs/api.md and docs/hub.md, GET /pcap): the worker writes the
 * first ones, the hub reads them from each worker, sums them and adds its own. Lower case, as
 * Node's HTTP APIs give header names.
 */
export const PcapHeaders = {
  /** Number of streams exported. */
  STREAMS: 'x-shoal-streams',
  /** The file's LINKTYPE. */
  LINK_TYPE: 'x-shoal-link-type',
  /** Packets left out because they have another link type. */
  SKIPPED_PACKETS: 'x-shoal-skipped-packets',
  /** ids= form: ids not found. */
  MISSING_IDS: 'x-shoal-missing-ids',
  /** Hub: the workers whose packets are in the file. */
  WORKERS: 'x-shoal-workers',
  /** Hub: workers that were down, failed or timed out before the file started. */
  UNAVAILABLE_WORKERS: 'x-shoal-unavailable-workers',
  /** Hub: workers left out because their file has another link type. */
  SKIPPED_WORKERS: 'x-shoal-skipped-workers',
  /**
   * Hub, a trailer (sent after the file, announced in `Trailer`): workers whose stream failed
   * or stalled after the file started; their later packets are missing. Empty when none.
   */
  FAILED_WORKERS: 'x-shoal-failed-workers',
} as const;
