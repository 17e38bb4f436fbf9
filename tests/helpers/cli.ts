import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDb } from './db.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin', 'wuye.js');

/** A port nobody listens on now, for a server process a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a CLI child: the parent's, minus anything that would point it at
 * another database (a developer's own DATABASE_URL must never be touched by a test).
 */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  delete out.DATABASE_URL;
  delete out.DATA_DIR;
  delete out.PORT;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  out.LOG_LEVEL ??= 'warn';
  return out;
}

/** Runs `node bin/wuye.js …args` to completion, as an operator would run `npx wuye …`. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wuye ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A long-running CLI child (`serve`): output is collected as it comes. */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches, rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM (the server's clean shutdown), SIGKILL if it lingers; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited: number | null | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    notify();
  });
  child.on('exit', (code) => {
    exited = code;
    notify();
  });
  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (pattern.test(out)) done(() => res());
          else if (exited !== undefined) done(() => rej(new Error(`wuye ${args.join(' ')} exited (${exited}) before ${pattern}:\n${out}`)));
        };
        const timer = setTimeout(() => done(() => rej(new Error(`timed out waiting for ${pattern}:\n${out}`))), timeoutMs);
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    stop() {
      if (exited !== undefined) return Promise.resolve(exited);
      return new Promise((res) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          res(code);
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/**
 * The environment that points the CLI at a test database: DATA_DIR for a SQLite file
 * (always named wuye.db), or DATABASE_URL with the test's schema as search_path.
 */
export function cliEnvFor(tdb: TestDb): Record<string, string> {
  if (tdb.ctx.dialect === 'sqlite') return { DATA_DIR: dirname(tdb.location) };
  const base = tdb.url;
  const sep = base.includes('?') ? '&' : '?';
  return { DATABASE_URL: `${base}${sep}options=-c%20search_path%3D${tdb.schema}` };
}
