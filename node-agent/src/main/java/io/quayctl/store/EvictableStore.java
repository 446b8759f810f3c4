package io.quayctl.store;

import io.quayctl.api.Digest;
import java.io.IOException;
import java.util.List;

/**
 * A {@link BlobStore} whose space can be reclaimed: it lists what it holds with sizes and last use,
 * records uses, and deletes single files. Kept apart from {@link BlobStore} so that stores which
 * only move bytes need not implement it.
 */
public interface EvictableStore extends BlobStore {

  /**
   * Every verified blob and every partial download (including temporary files of {@link
   * BlobStore#write}), each with its size and last use. Files that vanish while listing are left
   * out; files the store did not name are ignored.
   */
  List<StoredBlob> list() throws IOException;

  /** Records that a verified blob was used now; nothing happens when it is absent. */
  void touch(Digest digest) throws IOException;

  /**
   * Deletes one listed file. A verified blob disappears in one step (an unlink): it is either
   * there, whole and verified, or gone, even across a crash; a reader that already opened it keeps
   * reading. A partial download loses its progress.
   */
  void delete(StoredBlob item) throws IOException;
}
