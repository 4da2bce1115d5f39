import { ShoalError } from '@shoal/model';

/** A command-line mistake: shown with a hint to `--help`, exit code 2. */
export function usageError(message: string): ShoalError {
  return new ShoalError('CLI_ERR_USAGE', message);
}
