// Runs the pure meta parser in a worker thread (see parse-pool.ts).
import { parentPort } from 'node:worker_threads';
import { parseMetaTree, type MetaFile } from '../../shared/domain/meta/index.js';

export interface ParseRequest {
  id: number;
  files: Array<[string, MetaFile]>;
}

parentPort?.on('message', (request: ParseRequest) => {
  parentPort!.postMessage({ id: request.id, result: parseMetaTree(new Map(request.files)) });
});
