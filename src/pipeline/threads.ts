/**
 * Worker threads started on one piece of data, each of which takes its jobs through a count shared
 * with the others and sends back its answers (ahead.ts, ranges.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface Threads {
  /** Settles once every thread has ended: exited, failed, or stopped by `close`. */
  readonly ended: Promise<void>;
  /** How many threads have not ended, as far as this thread has read their events. */
  alive(): number;
  /** Stop the threads (a job still running is dropped). */
  close(): void;
}

/**
 * Start `count` threads of `worker`, each given `workerData`; `onMessage` reads what each sends.
 * Null where none is to start (`count` below 1), the compiled worker is not there (running from
 * the TypeScript sources, as the unit tests do), or a thread cannot be started (those started are
 * stopped).
 */
export function startThreads<M>(worker: URL, workerData: unknown, count: number, onMessage: (message: M) => void): Threads | null {
  if (count < 1 || !existsSync(fileURLToPath(worker))) return null;
  const workers: Worker[] = [];
  try {
    for (let t = 0; t < count; t++) workers.push(new Worker(worker, { workerData }));
  } catch {
    for (const w of workers) void w.terminate();
    return null;
  }
  let alive = workers.length;
  let settle: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (settle = resolve));
  for (const w of workers) {
    let gone = false;
    // A thread that fails or exits leaves the job it took unanswered: the caller makes it itself.
    const end = (): void => {
      if (gone) return;
      gone = true;
      if (--alive === 0) settle();
    };
    w.on('message', onMessage);
    w.on('error', end);
    w.on('messageerror', end);
    w.on('exit', end);
  }
  return {
    ended,
    alive: () => alive,
    close: () => {
      for (const w of workers) void w.terminate();
    },
  };
}
