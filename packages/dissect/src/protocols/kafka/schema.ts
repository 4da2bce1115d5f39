/**
 * The grammar of a Kafka message body, written as the message definitions write it
 * (clients/src/main/resources/common/message/*.json: each field's type, the versions it is in,
 * the versions it may be null in, its tag when it is a tagged field), one field a line, children
 * indented under their struct:
 *
 *   name type versions [null versions] [tag N] [role]
 *
 * `type` is a primitive (int8, int16, int32, int64, uint16, float64, bool, string, bytes, uuid,
 * records) or `struct`, `[]` before it for an array. `versions` is `N+`, `N-M` or `N`. `role`
 * marks what the entry shows beyond the body: `topic` (a topic name: the entry's path and
 * `topics`), `group` (a group id), `partition` (a partition index: where an error code was),
 * `acks` (a Produce request's acks: 0 means no response comes).
 */

export type Primitive = 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'float64' | 'bool' | 'string' | 'bytes' | 'uuid' | 'records';
export type Role = 'topic' | 'group' | 'partition' | 'acks';

export interface Field {
  readonly name: string;
  readonly type: Primitive | 'struct';
  readonly array: boolean;
  readonly from: number;
  readonly to: number;
  readonly nullFrom: number;
  readonly nullTo: number;
  /** The tag of a tagged field (KIP-482), else -1. */
  readonly tag: number;
  readonly role: Role | null;
  readonly fields: readonly Field[];
}

export interface Schema {
  /** Fields in wire order, tagged ones included (they are read from the tagged section). */
  readonly fields: readonly Field[];
}

const PRIMITIVES = new Set(['int8', 'int16', 'int32', 'int64', 'uint16', 'float64', 'bool', 'string', 'bytes', 'uuid', 'records']);
const ROLES = new Set(['topic', 'group', 'partition', 'acks']);
const NEVER = 1 << 30;

function versions(text: string): [number, number] {
  if (text.endsWith('+')) return [Number(text.slice(0, -1)), NEVER];
  const [a, b] = text.split('-');
  return [Number(a), Number(b ?? a)];
}

interface Line {
  indent: number;
  words: string[];
}

/** Parses the text form above; a mistake in a grammar fails at module load, not in a capture. */
export function schema(text: string): Schema {
  const lines: Line[] = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => ({ indent: l.length - l.trimStart().length, words: l.trim().split(/\s+/) }));
  let at = 0;
  const parse = (indent: number): Field[] => {
    const out: Field[] = [];
    while (at < lines.length && lines[at]!.indent === indent) {
      const [name, typeWord, versionWord, ...rest] = lines[at]!.words;
      at++;
      if (name === undefined || typeWord === undefined || versionWord === undefined) throw new Error(`kafka schema: bad line ${at}`);
      const array = typeWord.startsWith('[]');
      const type = array ? typeWord.slice(2) : typeWord;
      if (type !== 'struct' && !PRIMITIVES.has(type)) throw new Error(`kafka schema: unknown type ${type}`);
      const [from, to] = versions(versionWord);
      let [nullFrom, nullTo] = [NEVER, -1];
      let tag = -1;
      let role: Role | null = null;
      for (let i = 0; i < rest.length; i++) {
        const word = rest[i]!;
        if (word === 'null') [nullFrom, nullTo] = versions(rest[++i]!);
        else if (word === 'tag') tag = Number(rest[++i]);
        else if (ROLES.has(word)) role = word as Role;
        else throw new Error(`kafka schema: unknown word ${word}`);
      }
      const fields = at < lines.length && lines[at]!.indent > indent ? parse(lines[at]!.indent) : [];
      if ((type === 'struct') !== fields.length > 0) throw new Error(`kafka schema: ${name} struct without fields or fields without struct`);
      out.push({ name, type: type as Primitive | 'struct', array, from, to, nullFrom, nullTo, tag, role, fields });
    }
    return out;
  };
  const fields = parse(lines[0]?.indent ?? 0);
  if (at !== lines.length) throw new Error(`kafka schema: bad indentation at line ${at + 1}`);
  return { fields };
}

export const inVersion = (f: Field, v: number): boolean => v >= f.from && v <= f.to;
export const nullableIn = (f: Field, v: number): boolean => v >= f.nullFrom && v <= f.nullTo;
