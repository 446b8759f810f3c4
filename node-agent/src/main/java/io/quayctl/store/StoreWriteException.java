package io.quayctl.store;

import java.io.IOException;

/**
 * Writing a blob into the store failed (a full disk, a read-only or vanished directory). A local
 * fault: retrying the download from the same source cannot cure it.
 */
public final class StoreWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param what the blob being written, for the message
   * @param cause the file system's error
   */
  public StoreWriteException(String what, IOException cause) {
    super("cannot write " + what + " into the blob store: " + cause.getMessage(), cause);
  }
}
