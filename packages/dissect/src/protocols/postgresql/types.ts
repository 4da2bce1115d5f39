/**
 * Names of the built-in data types a RowDescription or ParameterDescription refers to by OID
 * (pg_type.dat in PostgreSQL's source; these OIDs are fixed across versions). A type made by a
 * user (an enum, a domain, an extension's type) has an OID of its database: it is shown as a
 * number.
 */

const NAMES: Readonly<Record<number, string>> = {
  16: 'bool',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  24: 'regproc',
  25: 'text',
  26: 'oid',
  114: 'json',
  142: 'xml',
  600: 'point',
  650: 'cidr',
  700: 'float4',
  701: 'float8',
  705: 'unknown',
  790: 'money',
  829: 'macaddr',
  869: 'inet',
  1000: 'bool[]',
  1005: 'int2[]',
  1007: 'int4[]',
  1009: 'text[]',
  1015: 'varchar[]',
  1016: 'int8[]',
  1042: 'bpchar',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1266: 'timetz',
  1560: 'bit',
  1562: 'varbit',
  1700: 'numeric',
  2249: 'record',
  2278: 'void',
  2950: 'uuid',
  3614: 'tsvector',
  3802: 'jsonb',
  4089: 'regnamespace',
};

/** A type's name, or its OID as text when it is not a built-in one. */
export function typeName(oid: number): string {
  return NAMES[oid] ?? String(oid);
}
