// The sync worker's port to the meta repository. The git implementation lives in
// git-meta-source.ts; tests and benchmarks may substitute their own.

/** One file under the elections root at a commit, as git lists it. */
export interface MetaTreeEntry {
  /** Relative to the elections root, '/' separated. */
  path: string;
  /** Git object id: the blob's content hash (or the commit of a submodule). */
  id: string;
  kind: 'file' | 'symlink' | 'submodule';
  /** Bytes; 0 for submodules. */
  size: number;
}

export interface MetaSource {
  /** Brings the local copy to the configured branch head, cloning on first use; returns the head commit. */
  update(): Promise<string>;
  /** Every file under the elections root at `commit`, or null when the root does not exist there. */
  list(commit: string): Promise<MetaTreeEntry[] | null>;
  /** The contents of the given blobs, by object id. */
  read(ids: string[]): Promise<Map<string, Uint8Array>>;
}
