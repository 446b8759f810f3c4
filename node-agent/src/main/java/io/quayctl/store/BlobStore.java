package io.quayctl.store;

import io.quayctl.api.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed blob storage on local disk. A blob is visible only once its bytes have been
 * checked against its digest, so a crash never leaves a blob that looks complete.
 */
public interface BlobStore {

  /** Whether a verified blob with this digest is present. */
  boolean contains(Digest digest);

  /** The path of a verified blob, if present. Callers must not modify it. */
  Optional<Path> find(Digest digest);

  /** Opens a verified blob for reading. */
  InputStream open(Digest digest) throws IOException;

  /** Size in bytes of a verified blob. */
  long size(Digest digest) throws IOException;

  /**
   * Where partial downloads of this digest live (same filesystem as the store, so {@link #commit}
   * is a rename). The file may not exist yet.
   */
  Path partialPath(Digest digest);

  /**
   * Verifies that {@code candidate} hashes to {@code digest} and moves it into the store
   * atomically. On a mismatch the candidate is deleted and {@link DigestMismatchException} is
   * thrown; nothing becomes visible.
   */
  Path commit(Digest digest, Path candidate) throws IOException;

  /**
   * Streams {@code in} into the store, verifying the digest on the way, and commits it. Concurrent
   * callers for the same digest share one write.
   */
  Path write(Digest digest, InputStream in) throws IOException;

  /** Removes a blob (and any partial download of it). */
  void delete(Digest digest) throws IOException;

  /** The store's root directory. */
  Path root();
}
