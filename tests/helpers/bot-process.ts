import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The real bot (`node --import tsx src/main.ts`) as a child process, optionally the way a
 * container runs it: PID 1 of a fresh PID namespace (`unshare --pid --fork --mount-proc`),
 * with its own host name (`--uts`) if asked.
 */
export interface BotProcess {
  /** stdout and stderr so far. */
  output(): string;
  /** The exit code (of unshare, which passes on the bot's). */
  readonly exited: Promise<number | null>;
  /** The bot's pid as this process sees it (inside unshare: unshare's child). */
  pid(): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export interface BotProcessOptions {
  /** Run as PID 1 of a new PID namespace. */
  namespace?: boolean;
  /** With `namespace`: this host name, in a new UTS namespace. */
  hostname?: string;
}

export function startBotProcess(env: NodeJS.ProcessEnv, opts: BotProcessOptions = {}): BotProcess {
  const bot = [process.execPath, '--import', 'tsx', 'src/main.ts'];
  const [cmd, ...args] = !opts.namespace
    ? bot
    : [
        'unshare', '--pid', '--fork', '--mount-proc', '--kill-child', // --kill-child: no bot outlives a failed test
        ...(opts.hostname ? ['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', opts.hostname] : []),
        ...bot,
      ];
  const child = spawn(cmd!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = async (): Promise<number> => {
    if (!opts.namespace) return child.pid!;
    // unshare forks the bot: its only child (sh execs node, keeping the pid).
    for (let i = 0; i < 200; i++) {
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      if (children) return Number(children.split(' ')[0]);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('unshare started no child');
  };
  return {
    output: () => out,
    exited,
    pid,
    kill: async (signal) => {
      process.kill(await pid(), signal);
    },
  };
}

/** Why the container tests cannot run here, or null when `unshare` works. */
export function unshareProblem(extra: string[] = []): string | null {
  const r = spawnSync('unshare', [...extra, '--pid', '--fork', '--mount-proc', '--kill-child', 'true'], { encoding: 'utf8' });
  if (r.error) return `unshare cannot run (${r.error.message})`;
  if (r.status !== 0) return `\`unshare ${[...extra, '--pid', '--fork', '--mount-proc'].join(' ')}\` is not permitted here (${r.stderr.trim() || `exit ${r.status}`}); run the tests as root`;
  return null;
}

/** The bot's PIDs from the outside in (`NSpid`): `[outer, …, 1]` for PID 1 of a namespace. */
export function nsPids(pid: number): number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:')) ?? '';
  return line.split(/\s+/).slice(1).filter(Boolean).map(Number);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves when GET /readyz answers 200; rejects when the bot exits first or `ms` pass. */
export async function waitReady(bot: BotProcess, port: number, ms: number): Promise<void> {
  let exited = false;
  void bot.exited.then(() => (exited = true));
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (exited) throw new Error(`the bot exited before it was ready:\n${bot.output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the bot was not ready within ${ms} ms:\n${bot.output()}`);
}
