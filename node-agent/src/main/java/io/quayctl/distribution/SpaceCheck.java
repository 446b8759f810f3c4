package io.quayctl.distribution;

import io.quayctl.api.Digest;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses an image whose missing bytes cannot fit on the blob store's filesystem, before any of it
 * is fetched, rather than letting the download fill the disk partway.
 *
 * <p>A partial download counts at its file's length. libtorrent's partial files can be sparse,
 * longer than the bytes they hold, so the check may let through an image that later fills the disk
 * (which then fails as a full disk does); it never refuses one whose bytes fit.
 */
public final class SpaceCheck {
  private static final Logger log = LoggerFactory.getLogger(SpaceCheck.class);

  /** How many bytes may still be written on the filesystem holding a directory. */
  @FunctionalInterface
  public interface UsableSpace {
    /** Bytes this process may write on the filesystem holding {@code directory}. */
    long of(Path directory) throws IOException;
  }

  /** What the filesystem itself reports. */
  public static final UsableSpace FILE_SYSTEM = d -> Files.getFileStore(d).getUsableSpace();

  private final BlobStore store;
  private final UsableSpace usable;

  /** A check against the filesystem that holds {@code store}. */
  public SpaceCheck(BlobStore store) {
    this(store, FILE_SYSTEM);
  }

  /** A check that learns the usable space from {@code usable}. */
  public SpaceCheck(BlobStore store, UsableSpace usable) {
    this.store = store;
    this.usable = usable;
  }

  /**
   * Bytes the image still needs in the store: each blob that is not there, less what a partial
   * download of it already holds.
   */
  public long missingBytes(ResolvedImage image) throws IOException {
    long missing = 0;
    Set<Digest> seen = new HashSet<>();
    for (Descriptor blob : ImageDistributor.blobs(image)) {
      Digest digest = blob.digest();
      if (!seen.add(digest) || store.contains(digest)) {
        continue;
      }
      missing += Math.max(0, blob.size() - partialBytes(store.partialPath(digest)));
    }
    return missing;
  }

  /**
   * Throws {@link NotEnoughSpaceException} when the image's missing bytes exceed the usable space.
   * When the filesystem cannot say how much space it has, the pull goes ahead unchecked.
   */
  public void require(ResolvedImage image) throws IOException {
    long missing = missingBytes(image);
    if (missing == 0) {
      return;
    }
    long free;
    try {
      free = usable.of(store.root());
    } catch (IOException e) {
      log.debug(
          "cannot tell the free space of {}, not checking it: {}", store.root(), e.toString());
      return;
    }
    if (missing > free) {
      throw new NotEnoughSpaceException(store.root(), image.reference().toString(), missing, free);
    }
  }

  private static long partialBytes(Path partial) throws IOException {
    try {
      return Files.size(partial);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
