// MikroORM 7's CRUD benchmark (its published method): n User{id, id2,
// ready, priority, name}; insert (persist all + flush), find (all), update
// (change name of each + flush), remove (remove all + flush), each phase
// timed alone in a fresh EntityManager (em.fork()), batchSize 300, no
// debug logging. The rows and changes are those of unitorm's BenchmarkUoW
// (benchmarks/uow_test.go), and every phase is checked against the table.
//
//   node bench.mjs [-n 10000] [-rounds 3] [-warmup 1] [-dbs sqlite,postgres,mariadb]
//
// Prints `go test -bench` lines (BenchmarkMikroORM/db=…/n=…/op=…/lib=mikroorm)
// that benchmarks/cmd/report reads. Databases: BENCH_PG_DSN (a URL) and
// BENCH_MARIADB_DSN (Go's user@tcp(host:port)/db form), as the Go benchmarks;
// each run works in its own PostgreSQL schema / MariaDB database and drops it.
import { performance } from 'node:perf_hooks';
import { defineEntity, p } from '@mikro-orm/core';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('-')) acc.push([a.replace(/^-+/, ''), all[i + 1]]);
  return acc;
}, []));
const n = Number(args.n ?? 10000);
const rounds = Number(args.rounds ?? 3);
const warmup = Number(args.warmup ?? 1);
const dbs = (args.dbs ?? 'sqlite,postgres,mariadb').split(',');
const runID = `mikro_${process.pid}`;

// MikroORM's integer type (int on MariaDB and PostgreSQL, integer on SQLite)
// where unitorm's int64 fields map to bigint: MikroORM's bigint would hand
// strings to JavaScript, which its own benchmark does not do.
const UserSchema = defineEntity({
  name: 'User',
  tableName: 'bench_user',
  properties: {
    id: p.integer().primary().autoincrement(),
    id2: p.integer(),
    ready: p.boolean(),
    priority: p.integer(),
    name: p.string(),
  },
});
class User extends UserSchema.class {}
UserSchema.setClass(User);

function pgOptions() {
  const u = new URL(process.env.BENCH_PG_DSN || 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable');
  return {
    host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password) || undefined, dbName: u.pathname.slice(1), schema: runID,
  };
}

function mariaOptions() {
  const dsn = process.env.BENCH_MARIADB_DSN || 'root@tcp(127.0.0.1:3306)/test';
  const m = /^(?:([^:@]*)(?::([^@]*))?@)?tcp\(([^:)]+)(?::(\d+))?\)\/([^?]*)/.exec(dsn);
  if (!m) throw new Error(`BENCH_MARIADB_DSN ${dsn}: want user[:password]@tcp(host[:port])/db`);
  return { host: m[3], port: Number(m[4] || 3306), user: m[1] || 'root', password: m[2] || undefined, dbName: runID };
}

// open returns the initialised ORM of db and a function dropping its schema.
async function open(db) {
  const common = { entities: [User], batchSize: 300, debug: false, allowGlobalContext: false };
  if (db === 'sqlite') {
    const { MikroORM } = await import('@mikro-orm/sqlite');
    const orm = await MikroORM.init({ ...common, dbName: ':memory:' });
    await orm.schema.create();
    return { orm, drop: async () => {} };
  }
  if (db === 'postgres') {
    const { MikroORM } = await import('@mikro-orm/postgresql');
    const opts = pgOptions();
    const orm = await MikroORM.init({ ...common, ...opts });
    await orm.em.getConnection().execute(`CREATE SCHEMA ${runID}`);
    await orm.schema.create();
    return { orm, drop: () => orm.em.getConnection().execute(`DROP SCHEMA ${runID} CASCADE`) };
  }
  if (db === 'mariadb') {
    const { MikroORM } = await import('@mikro-orm/mariadb');
    const opts = mariaOptions();
    // ensureDatabase creates the database and its tables.
    const orm = await MikroORM.init({ ...common, ...opts, ensureDatabase: { create: true } });
    return { orm, drop: () => orm.em.getConnection().execute(`DROP DATABASE ${runID}`) };
  }
  throw new Error(`unknown database ${db}`);
}

function fail(db, msg) {
  throw new Error(`db=${db}: ${msg}`);
}

async function tableRows(orm, db) {
  const table = db === 'postgres' ? `${runID}.bench_user` : 'bench_user';
  return orm.em.getConnection().execute(`SELECT id, id2, name FROM ${table}`);
}

// round runs the four phases once and returns their times in ns.
async function round(orm, db, r) {
  const t = {};
  // insert
  let em = orm.em.fork();
  const made = [];
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    const u = em.create(User, { id2: i, ready: i % 2 === 0, priority: i % 10, name: `u${i}` });
    made.push(u);
  }
  await em.flush();
  t.insert = performance.now() - start;
  let rows = await tableRows(orm, db);
  if (rows.length !== n || made.some(u => !u.id)) fail(db, `insert left ${rows.length} rows, or keys unset`);
  const byID = new Map(rows.map(row => [Number(row.id), row]));
  for (const u of made) {
    const row = byID.get(Number(u.id));
    if (!row || Number(row.id2) !== u.id2 || row.name !== u.name) fail(db, `user id2=${u.id2} not stored under key ${u.id}`);
  }
  // find
  em = orm.em.fork();
  start = performance.now();
  const found = await em.find(User, {});
  t.find = performance.now() - start;
  if (found.length !== n) fail(db, `found ${found.length} users, want ${n}`);
  // update: load untimed, change every name and flush timed
  em = orm.em.fork();
  const users = await em.find(User, {});
  start = performance.now();
  users.forEach((u, j) => { u.name = `r${r}-${j}`; });
  await em.flush();
  t.update = performance.now() - start;
  rows = await tableRows(orm, db);
  const names = new Map(users.map(u => [Number(u.id), u.name]));
  if (rows.length !== n || rows.some(row => names.get(Number(row.id)) !== row.name)) fail(db, 'update did not store every name');
  // remove: load untimed, remove all and flush timed
  em = orm.em.fork();
  const doomed = await em.find(User, {});
  start = performance.now();
  for (const u of doomed) em.remove(u);
  await em.flush();
  t.remove = performance.now() - start;
  rows = await tableRows(orm, db);
  if (rows.length !== 0) fail(db, `${rows.length} users left after remove`);
  return t;
}

for (const db of dbs) {
  const { orm, drop } = await open(db);
  try {
    for (let r = 0; r < warmup + rounds; r++) {
      const t = await round(orm, db, r);
      if (r < warmup) continue;
      for (const op of ['insert', 'find', 'update', 'remove']) {
        const ns = Math.round(t[op] * 1e6);
        console.log(`BenchmarkMikroORM/db=${db}/n=${n}/op=${op}/lib=mikroorm \t1\t${ns} ns/op`);
      }
    }
  } finally {
    await drop();
    await orm.close(true);
  }
}
