package io.quayctl.distribution;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image's missing blobs do not fit on the filesystem of the blob store; found before any byte
 * was fetched, so nothing was written. A local fault, like a full disk mid-download.
 */
public final class NotEnoughSpaceException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path directory;
  private final long needed;
  private final long usable;

  /**
   * @param directory the blob store's directory
   * @param image the image, for the message
   * @param needed bytes the image still needs there
   * @param usable bytes the filesystem lets this process write
   */
  public NotEnoughSpaceException(Path directory, String image, long needed, long usable) {
    super(
        "not enough space in "
            + directory
            + " for image "
            + image
            + ": needs "
            + HumanBytes.format(needed)
            + " more, "
            + HumanBytes.format(usable)
            + " free; free some space there or choose another --data-dir");
    this.directory = directory;
    this.needed = needed;
    this.usable = usable;
  }

  /** The blob store's directory. */
  public Path directory() {
    return directory;
  }

  /** Bytes the image still needs in the store. */
  public long needed() {
    return needed;
  }

  /** Bytes the filesystem lets this process write. */
  public long usable() {
    return usable;
  }
}
