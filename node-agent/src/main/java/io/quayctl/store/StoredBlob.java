package io.quayctl.store;

import io.quayctl.api.Digest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One file of the blob store as eviction sees it.
 *
 * @param digest the blob it holds (or is becoming)
 * @param kind a verified blob, or a partial download of one
 * @param size bytes on disk
 * @param lastUse when it was last written, read or recorded as used ({@link EvictableStore#touch});
 *     the file's modification time
 * @param path the file, for deleting exactly this one
 */
public record StoredBlob(Digest digest, Kind kind, long size, Instant lastUse, Path path) {

  /** What a stored file is. */
  public enum Kind {
    /** Verified and visible under {@code blobs/}. */
    BLOB,
    /** A download in progress (or abandoned) under {@code partial/}. */
    PARTIAL
  }

  public StoredBlob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lastUse, "lastUse");
    Objects.requireNonNull(path, "path");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " of " + path);
    }
  }
}
