import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * lowdb adapter that writes atomically and durably: the JSON goes to a temp file in
 * the same directory, is fsynced, then renamed over the data file (rename is atomic
 * on POSIX). A crash mid-write leaves the previous file intact. lowdb's own
 * JSONFile (steno) renames without fsync; for records that must never be lost we
 * want the data on disk before we say "stored".
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  /** Raw text, or null when the file does not exist. Parsing and checking is the store's job. */
  async readText(): Promise<string | null> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async read(): Promise<T | null> {
    const text = await this.readText();
    return text === null ? null : (JSON.parse(text) as T);
  }

  async write(data: T): Promise<void> {
    await this.writeText(JSON.stringify(data));
  }

  async writeText(text: string): Promise<void> {
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    // Make the rename itself durable (best effort: not every filesystem allows it).
    const dh = await open(dir, 'r').catch(() => null);
    if (dh) await dh.sync().catch(() => undefined).finally(() => dh.close());
  }

  /**
   * Writes `text` to the probe file next to the data file and fsyncs it: the write-health
   * probe. It takes the same steps a flush starts with (create a file in the folder, write,
   * fsync) without rewriting the whole data file every few seconds.
   */
  async probe(text: string): Promise<void> {
    const fh = await open(path.join(path.dirname(this.file), PROBE_FILE), 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

/** The write-health probe's file in DATA_DIR (a timestamp; safe to delete). */
export const PROBE_FILE = 'ibp-bot.probe';
