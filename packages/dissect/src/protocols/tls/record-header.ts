/**
 * The TLS record header (RFC 8446 §5.1, RFC 5246 §6.2.1), shared by the record reader, its seeker
 * and the probe:
 *
 *   record = type:8 legacy_version:16 length:16 fragment{length}
 */

export const CONTENT_CCS = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;
/** RFC 8446 §5.2: 2^14 + 256 for TLS 1.3; RFC 5246 §6.2.3 allows 2^14 + 2048. */
export const MAX_RECORD = 16384 + 2048;
export const RECORD_HEADER = 5;
