package io.quayctl.store;

import io.quayctl.api.Digest;
import java.io.IOException;

/** Bytes did not hash to the digest they were fetched for. Nothing was stored. */
public final class DigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final Digest expected;
  private final Digest actual;

  public DigestMismatchException(Digest expected, Digest actual, String source) {
    super(
        "digest mismatch for "
            + expected
            + (source == null ? "" : " from " + source)
            + ": content hashes to "
            + actual
            + "; the data was discarded");
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest the content should have had. */
  public Digest expected() {
    return expected;
  }

  /** The digest the content actually had. */
  public Digest actual() {
    return actual;
  }
}
