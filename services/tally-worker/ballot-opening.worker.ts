// Opens sealed ballots in a worker thread (see ballot-opening.ts).
import { createPrivateKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { BallotOpener, unpadRanking } from '../../shared/crypto/sealed-ballot.js';

export interface OpenRequest {
  id: number;
  key: { d: string; x: string };
  electionId: string;
  /** The sealed ballots, end to end, and each one's length. */
  bytes: ArrayBuffer;
  lengths: Uint32Array;
}

export type OpenResponse = { id: number; texts: string[] } | { id: number; error: string };

parentPort?.on('message', (request: OpenRequest) => {
  try {
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', ...request.key }, format: 'jwk' });
    const opener = new BallotOpener(key, request.electionId);
    const texts: string[] = [];
    let offset = 0;
    for (const length of request.lengths) {
      texts.push(unpadRanking(opener.open(new Uint8Array(request.bytes, offset, length))));
      offset += length;
    }
    parentPort!.postMessage({ id: request.id, texts } satisfies OpenResponse);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message } satisfies OpenResponse);
  }
});
