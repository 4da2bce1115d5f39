/**
 * Errors of live capture: a ShoalError whose `reason` says which part failed, and whose code
 * (docs/errors.md) follows from the reason.
 */

import { ErrorCodes, ShoalError } from '@shoal/model';
import type { ErrorCode } from '@shoal/model';

export type LiveErrorReason =
  | 'options' // an option the wrapper, the kernel or libpcap refuses   (CAP_ERR_LIVE_OPTIONS)
  | 'interface' // no such interface here, down, or gone while capturing (CAP_ERR_INTERFACE)
  | 'filter' // the capture filter does not compile                    (CAP_ERR_FILTER)
  | 'permission' // missing CAP_NET_RAW / CAP_NET_ADMIN / CAP_SYS_ADMIN     (CAP_ERR_PERMISSION)
  | 'netns' // the namespace path is missing or not a network namespace (CAP_ERR_NETNS)
  | 'backend' // the forced backend cannot run here (addon, kernel)      (CAP_ERR_BACKEND_UNAVAILABLE)
  | 'system'; // another system or library call failed                (CAP_ERR_OPEN)

const REASONS: readonly LiveErrorReason[] = [
  'options',
  'interface',
  'filter',
  'permission',
  'netns',
  'backend',
  'system',
];

const CODE_OF: Record<LiveErrorReason, ErrorCode> = {
  options: ErrorCodes.CAP_ERR_LIVE_OPTIONS,
  interface: ErrorCodes.CAP_ERR_INTERFACE,
  filter: ErrorCodes.CAP_ERR_FILTER,
  permission: ErrorCodes.CAP_ERR_PERMISSION,
  netns: ErrorCodes.CAP_ERR_NETNS,
  backend: ErrorCodes.CAP_ERR_BACKEND_UNAVAILABLE,
  system: ErrorCodes.CAP_ERR_OPEN,
};

export class LiveCaptureError extends ShoalError {
  readonly reason: LiveErrorReason;

  constructor(reason: LiveErrorReason, message: string, options?: { cause?: unknown }) {
    super(CODE_OF[reason], message, options);
    this.reason = reason;
    this.name = 'LiveCaptureError';
  }
}

/** The addon throws Error objects whose `code` is one of the reasons (see native/error.c). */
export function fromNativeError(err: unknown, context: string): LiveCaptureError {
  if (err instanceof LiveCaptureError) return err;
  const code: unknown = (err as { code?: unknown } | null)?.code;
  const reason = REASONS.find((r) => r === code) ?? 'system';
  const text = err instanceof Error ? err.message : String(err);
  return new LiveCaptureError(reason, `${context}: ${oneLine(text)}`, { cause: err });
}

/** Messages stay on one line (libpcap's sometimes end with a newline). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
