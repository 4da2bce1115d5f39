/**
 * Database entries to filter, exactly as the dissector wrote them from real traffic: Debian's
 * PostgreSQL with node-postgres (packages/dissect/test/fixtures/postgresql/*.expected.json, made by
 * generate-postgresql.sh) and Debian's MariaDB with mysql2 (fixtures/mysql/, generate-mysql.sh).
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/', import.meta.url));

/** The entry of `folder/capture` whose summary starts with `summary`. */
function pick(folder: string, capture: string, summary: string): Entry {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}${folder}/${capture}.expected.json`, 'utf8')) as { entries: Entry[] };
  const e = doc.entries.find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture ${folder}/${capture} has no entry "${summary}"`);
  return structuredClone(e);
}

/** The 2,000 rows of the extended protocol's large statement. */
export const pgLarge = (): Entry => pick('postgresql', 'node-md5', 'SELECT g AS n');
/** The named statement executed a second time: Bind, Describe, Execute, Sync, its text carried. */
export const pgNamedAgain = (): Entry => {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}postgresql/node-md5.expected.json`, 'utf8')) as { entries: Entry[] };
  return structuredClone(doc.entries.filter((e) => e.request?.['statement'] === 'user-by-id')[1]!);
};
/** `SELECT * FROM no_such_table -> ERROR 42P01 …`. */
export const pgMissingTable = (): Entry => pick('postgresql', 'node-md5', 'SELECT * FROM no_such_table');
/** The start-up with MD5. */
export const pgStartup = (): Entry => pick('postgresql', 'node-md5', 'startup');

/** The 2,000 binary rows of mysql2's prepared statement. */
export const myLarge = (): Entry => {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}mysql/node-mysql2.expected.json`, 'utf8')) as { entries: Entry[] };
  return structuredClone(doc.entries.find((e) => e.response?.['rowCount'] === 2000)!);
};
/** The execution that fails with a duplicate key (1062). */
export const myDuplicate = (): Entry => pick('mysql', 'node-mysql2', 'INSERT INTO shoal_users (id, name) VALUES (?, ?) -> ERROR');
/** COM_PING. */
export const myPing = (): Entry => pick('mysql', 'node-mysql2', 'COM_PING');
