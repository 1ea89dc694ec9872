/**
 * A worker thread that runs formatting jobs (offload.ts) while the main thread builds the rest
 * of the outputs. Message in: a job and its id. Message out: the job's files (their buffers moved,
 * not copied), or an error text.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FINISHED, ownBuffers, runJob, type JobMessage, type JobReply } from './offload.js';

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
