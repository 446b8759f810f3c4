package io.quayctl.registry;

import io.quayctl.api.Digest;
import java.util.Objects;

/** A content descriptor: what a manifest says about one blob or sub-manifest. */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform) {

  public Descriptor {
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
  }

  /** A descriptor without platform. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null);
  }
}
