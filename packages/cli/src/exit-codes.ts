/** Exit codes of every command (documented in `shoal --help` and docs/cli.md). */
export const EXIT_OK = 0;
/** The input was bad or damaged (missing, not a capture, truncated): what could be read was printed. */
export const EXIT_FAILURE = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;
