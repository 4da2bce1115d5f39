/**
 * A command as entries describe it, read from its message (reader.ts): the name upper-case, the
 * subcommand of a container command, the first key (commands.ts key specifications) or the
 * channel of a pub/sub command, and its arguments as kept.
 */

import { isChannelCommand, isContainer, firstKeyIndex } from './commands.js';
import type { RespMessage } from './reader.js';
import { latin1 } from '../../latin1.js';
import { RespType, bytesOf, type RespValue } from './resp.js';
import { printable } from './text.js';

/** Octets of a key or channel shown in `key`, `channel` and `path`. */
export const TARGET_SHOWN = 256;

export interface Command {
  msg: RespMessage;
  /** Upper-case; "" when the message held no name (a fragment after a loss). */
  name: string;
  /** A container command's subcommand, upper-case. */
  sub: string | null;
  key: string | null;
  channel: string | null;
  /** Arguments after the name, as the command counted them. */
  argCount: number;
}

/** The text of a kept argument (a bulk string), or "" when it was not kept. */
function argText(items: readonly RespValue[], i: number): string {
  const v = items[i];
  return v === undefined || v.type !== RespType.BULK_STRING || v.src === null ? '' : latin1(v.src, v.off, v.off + v.kept);
}

/** What the command table says of a name: upper-case, and its kind. */
interface NameInfo {
  upper: string;
  lower: string;
  container: boolean;
  channel: boolean;
}

/** Names seen, as sent (most connections repeat a few): the table is asked once per name. */
const NAMES = new Map<string, NameInfo>();
/** Names remembered; past that, the table is asked every time (modules' names are many). */
const NAMES_KEPT = 1024;

function nameInfo(sent: string): NameInfo {
  let info = NAMES.get(sent);
  if (info === undefined) {
    const upper = sent.slice(0, 64).toUpperCase();
    info = { upper, lower: upper.toLowerCase(), container: isContainer(upper), channel: isChannelCommand(upper) };
    if (NAMES.size < NAMES_KEPT) NAMES.set(sent, info);
  }
  return info;
}

/** The value at `i` as a key or channel (printable, cut), or null when not a kept string. */
function target(items: readonly RespValue[], i: number): string | null {
  const v = items[i];
  const bytes = v === undefined ? null : bytesOf(v);
  return bytes === null ? null : printable(bytes.subarray(0, TARGET_SHOWN));
}

export function readCommand(msg: RespMessage): Command {
  const items = msg.value.items ?? [];
  const count = Math.max(msg.value.length, items.length);
  const info = nameInfo(argText(items, 0));
  const name = info.upper;
  const sub = name !== '' && info.container && count > 1 ? argText(items, 1).slice(0, 64).toUpperCase() : null;
  const cmd: Command = { msg, name, sub, key: null, channel: null, argCount: Math.max(0, count - 1) };
  if (name === '') return cmd;
  if (info.channel) cmd.channel = count > 1 ? target(items, 1) : null;
  else {
    const at = firstKeyIndex(info.lower, sub === null ? null : sub.toLowerCase(), count, (i) => argText(items, i));
    if (at >= 0) cmd.key = target(items, at);
  }
  return cmd;
}

/** The subscribe family, by command name: the kind of push that confirms it (Redis "Pub/Sub"). */
export const CONFIRMED_BY: Readonly<Record<string, string>> = {
  SUBSCRIBE: 'subscribe',
  PSUBSCRIBE: 'psubscribe',
  SSUBSCRIBE: 'ssubscribe',
  UNSUBSCRIBE: 'unsubscribe',
  PUNSUBSCRIBE: 'punsubscribe',
  SUNSUBSCRIBE: 'sunsubscribe',
};
