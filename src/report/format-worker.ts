/**
 * A worker thread that runs formatting jobs (offload.ts) while the main thread builds the rest
 * of the outputs. Message in: a job and its id. Message out: the job's files (their buffers moved,
 * not copied), or an error text.
 */
import { parentPort } from 'node:worker_threads';
import { ownBuffers, runJob, type JobMessage, type JobReply } from './offload.js';

parentPort!.on('message', async ({ id, job }: JobMessage) => {
  try {
    const { done, transfer } = ownBuffers(await runJob(job));
    parentPort!.postMessage({ id, done } satisfies JobReply, transfer);
  } catch (e) {
    parentPort!.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies JobReply);
  }
});
