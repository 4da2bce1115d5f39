/**
 * A command as entries describe it, read from its message (reader.ts): the name upper-case, the
 * subcommand of a container command, the first key (commands.ts key specifications) or the
 * channel of a pub/sub command, and its arguments as kept.
 */

import { isChannelCommand, isContainer, firstKeyIndex } from './commands.js';
import type { RespMessage } from './reader.js';
import { RespType, type RespValue } from './resp.js';
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
  return v === undefined || v.type !== RespType.BULK_STRING || v.data === null ? '' : v.data.toString('latin1');
}

export function readCommand(msg: RespMessage): Command {
  const items = msg.value.items ?? [];
  const count = Math.max(msg.value.length, items.length);
  const name = argText(items, 0).slice(0, 64).toUpperCase();
  const sub = name !== '' && isContainer(name) && count > 1 ? argText(items, 1).slice(0, 64).toUpperCase() : null;
  const cmd: Command = { msg, name, sub, key: null, channel: null, argCount: Math.max(0, count - 1) };
  if (name === '') return cmd;
  const target = (i: number): string | null => {
    const v = items[i];
    return v?.data != null ? printable(v.data.subarray(0, TARGET_SHOWN)) : null;
  };
  if (isChannelCommand(name)) cmd.channel = count > 1 ? target(1) : null;
  else {
    const at = firstKeyIndex(name, sub === null ? null : sub.toLowerCase(), count, (i) => argText(items, i));
    if (at >= 0) cmd.key = target(at);
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
