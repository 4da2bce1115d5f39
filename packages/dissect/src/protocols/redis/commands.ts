/**
 * What a command's arguments mean, from Redis's own command table: the output of `COMMAND` on
 * Redis 7.0 (Redis documentation, "COMMAND" and "Command key specifications"), condensed to what
 * entries need: which commands exist (an inline command must start with one: probe.ts), which
 * take a subcommand (`CLIENT SETNAME`, `OBJECT ENCODING`), and where the first key is.
 *
 * A key specification says where a command's keys begin: at a fixed argument (`GET key`: 1;
 * `OBJECT ENCODING key`: 2), after a keyword (`XREAD ... STREAMS key ...`), or after a count of
 * keys (`EVAL script numkeys key ...`: none when numkeys is 0). Arguments are counted from the
 * command's name (0). Commands Redis 7.0 does not know (those of modules, `JSON.SET`, `TS.ADD`)
 * are taken to name a key first, as modules' commands do. Pub/sub commands name channels, not
 * keys (the sharded ones are keys to Redis Cluster, but channels to their users).
 */

interface KeySpec {
  /** The argument where the search begins. */
  at: number;
  /** The key follows the first argument (from `at`) equal to this word, case aside. */
  keyword?: string;
  /** `at` holds the number of keys; the first key follows it. */
  keynum?: boolean;
}

const words = (s: string): Set<string> => new Set(s.split(' ').filter((w) => w !== ''));

/** Commands whose first key is their first argument. */
const FIRST_ARGUMENT = words(
  'append bitcount bitfield bitfield_ro bitpos blmove blpop brpop brpoplpush bzpopmax bzpopmin copy ' +
    'decr decrby del dump exists expire expireat expiretime geoadd geodist geohash geopos georadius ' +
    'georadius_ro georadiusbymember georadiusbymember_ro geosearch geosearchstore get getbit getdel ' +
    'getex getrange getset hdel hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset ' +
    'hrandfield hscan hset hsetnx hstrlen hvals incr incrby incrbyfloat lcs lindex linsert llen lmove ' +
    'lpop lpos lpush lpushx lrange lrem lset ltrim mget move mset msetnx persist pexpire pexpireat ' +
    'pexpiretime pfadd pfcount pfmerge psetex pttl rename renamenx restore restore-asking rpop rpoplpush ' +
    'rpush rpushx sadd scard sdiff sdiffstore set setbit setex setnx setrange sinter sinterstore ' +
    'sismember smembers smismember smove sort sort_ro spop srandmember srem sscan ' +
    'strlen substr sunion sunionstore touch ttl type unlink watch xack xadd xautoclaim ' +
    'xclaim xdel xlen xpending xrange xrevrange xsetid xtrim zadd zcard zcount zdiffstore zincrby ' +
    'zinterstore zlexcount zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore ' +
    'zrangestore zrank zrem zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex ' +
    'zrevrangebyscore zrevrank zscan zscore zunionstore',
);

/** Commands (and subcommands) whose first key is elsewhere. */
const KEY_SPECS: ReadonlyMap<string, KeySpec> = new Map(Object.entries({
  bitop: { at: 2 },
  migrate: { at: 3 },
  pfdebug: { at: 2 },
  'memory usage': { at: 2 },
  'object encoding': { at: 2 },
  'object freq': { at: 2 },
  'object idletime': { at: 2 },
  'object refcount': { at: 2 },
  'xgroup create': { at: 2 },
  'xgroup createconsumer': { at: 2 },
  'xgroup delconsumer': { at: 2 },
  'xgroup destroy': { at: 2 },
  'xgroup setid': { at: 2 },
  'xinfo consumers': { at: 2 },
  'xinfo groups': { at: 2 },
  'xinfo stream': { at: 2 },
  xread: { at: 1, keyword: 'streams' },
  xreadgroup: { at: 4, keyword: 'streams' },
  eval: { at: 2, keynum: true },
  eval_ro: { at: 2, keynum: true },
  evalsha: { at: 2, keynum: true },
  evalsha_ro: { at: 2, keynum: true },
  fcall: { at: 2, keynum: true },
  fcall_ro: { at: 2, keynum: true },
  blmpop: { at: 2, keynum: true },
  bzmpop: { at: 2, keynum: true },
  lmpop: { at: 1, keynum: true },
  sintercard: { at: 1, keynum: true },
  zdiff: { at: 1, keynum: true },
  zinter: { at: 1, keynum: true },
  zintercard: { at: 1, keynum: true },
  zmpop: { at: 1, keynum: true },
  zunion: { at: 1, keynum: true },
} satisfies Record<string, KeySpec>));

/** Commands that take no key. */
const KEYLESS = words(
  'asking auth bgrewriteaof bgsave dbsize debug discard echo exec failover flushall flushdb hello info ' +
    'keys lastsave lolwut monitor multi pfselftest ping psync quit ' +
    'randomkey readonly readwrite replconf replicaof reset role save scan select shutdown slaveof ' +
    'swapdb sync time unwatch wait',
);

/** Commands whose first argument is a subcommand. */
const CONTAINERS = words('acl client cluster command config function latency memory module object pubsub script slowlog xgroup xinfo');

/** Pub/sub commands: their first argument is a channel (or a pattern). */
const CHANNEL_COMMANDS = words('publish spublish subscribe psubscribe ssubscribe unsubscribe punsubscribe sunsubscribe');

/** Every command of Redis 7.0, lower-case. */
const KNOWN: ReadonlySet<string> = new Set([
  ...FIRST_ARGUMENT,
  ...[...KEY_SPECS.keys()].filter((name) => !name.includes(' ')),
  ...KEYLESS,
  ...CONTAINERS,
  ...CHANNEL_COMMANDS,
]);

/** Longest name in KNOWN. */
export const LONGEST_KNOWN = Math.max(...[...KNOWN].map((n) => n.length));

/** `name` (any case) is a command of Redis 7.0. */
export const isKnownCommand = (name: string): boolean => KNOWN.has(name.toLowerCase());

export const isContainer = (command: string): boolean => CONTAINERS.has(command.toLowerCase());

export const isChannelCommand = (command: string): boolean => CHANNEL_COMMANDS.has(command.toLowerCase());

/**
 * The index of the first key among `count` arguments (the command's name at 0), or -1 when it
 * has none. `name` is the command's name, `sub` a container command's subcommand, both
 * lower-case; `arg(i)` gives an argument as text ("" when it was not kept).
 */
export function firstKeyIndex(name: string, sub: string | null, count: number, arg: (i: number) => string): number {
  const spec = KEY_SPECS.get(sub === null ? name : `${name} ${sub}`);
  if (spec === undefined) {
    if (KEYLESS.has(name) || CONTAINERS.has(name) || CHANNEL_COMMANDS.has(name)) return -1;
    return count > 1 ? 1 : -1;
  }
  if (spec.keyword !== undefined) {
    for (let i = spec.at; i < count - 1; i++) if (arg(i).toLowerCase() === spec.keyword) return i + 1;
    return -1;
  }
  if (spec.keynum === true) {
    const keys = Number(arg(spec.at));
    return Number.isInteger(keys) && keys > 0 && spec.at + 1 < count ? spec.at + 1 : -1;
  }
  return spec.at < count ? spec.at : -1;
}
