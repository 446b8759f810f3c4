package io.quayctl.squash;

import java.io.IOException;

/** A layer the squasher cannot read: zstd-compressed, or holding a sparse file. */
public final class UnsupportedLayerException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With the whole message. */
  public UnsupportedLayerException(String message) {
    super(message);
  }
}
