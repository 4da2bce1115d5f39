import { usageError } from '../usage-error.js';
import { jsonFormatter, ndjsonFormatter, type EntryFormatter } from './entry-formatter.js';
import { tableFormatter } from './table-formatter.js';

/**
 * The formatter an output flag names (`--format` of dissect, `-o` of observe); `color` only for
 * the table on a terminal.
 */
export function formatterFor(name: string, flag: string, color = false): EntryFormatter {
  switch (name) {
    case 'ndjson':
      return ndjsonFormatter();
    case 'json':
      return jsonFormatter();
    case 'table':
      return tableFormatter({ color });
    default:
      throw usageError(`${flag} must be table, ndjson or json, got '${name}'`);
  }
}
