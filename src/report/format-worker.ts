/**
 * A worker thread that runs formatting jobs (offload.ts) while the main thread builds the rest
 * of the outputs. Message in: a job and its id. Message out: the job's files (their buffers moved,
 * not copied), or an error text.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { FINISHED, ownBuffers, runJob, type JobMessage, type JobReply } from './offload.js';

/**
 * This thread gives way to the main thread when they compete for a core: the main thread's work is
 * what the run waits for, a format job has time to spare until the writer needs its files. On
 * Linux a thread is scheduled on its own, so its nice value is raised by 10 (up to 19); elsewhere
 * nothing changes.
 */
function giveWay(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, Math.min(19, getPriority(tid) + 10));
  } catch {
    // No /proc, or not allowed: the thread keeps its priority.
  }
}

giveWay();

/** The jobs finished, counted where the main thread reads it before it reads their answers. */
const finished = (workerData as Record<typeof FINISHED, Int32Array>)[FINISHED];

parentPort!.on('message', async ({ id, job }: JobMessage) => {
  let reply: JobReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const own = ownBuffers(await runJob(job));
    reply = { id, done: own.done };
    transfer = own.transfer;
  } catch (e) {
    reply = { id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  Atomics.add(finished, 0, 1);
  parentPort!.postMessage(reply, transfer);
});
