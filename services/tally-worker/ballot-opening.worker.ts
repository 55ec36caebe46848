// Opens sealed ballots in a worker thread (see ballot-opening.ts).
import { createPrivateKey } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { BallotOpener, unpadRanking } from '../../shared/crypto/sealed-ballot.js';

export interface OpenRequest {
  id: number;
  key: { d: string; x: string };
  electionId: string;
  ballots: Uint8Array[];
}

export type OpenResponse = { id: number; texts: string[] } | { id: number; error: string };

parentPort?.on('message', (request: OpenRequest) => {
  try {
    const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', ...request.key }, format: 'jwk' });
    const opener = new BallotOpener(key, request.electionId);
    parentPort!.postMessage({ id: request.id, texts: request.ballots.map((b) => unpadRanking(opener.open(b))) } satisfies OpenResponse);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message } satisfies OpenResponse);
  }
});
