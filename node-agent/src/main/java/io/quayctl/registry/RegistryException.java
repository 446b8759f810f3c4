package io.quayctl.registry;

import java.io.IOException;
import java.util.Objects;

/**
 * A registry operation failed for a reason the user can act on; {@link #kind()} lets the CLI map it
 * to an exit code. Bytes that do not match their digest are reported as {@link
 * io.quayctl.store.DigestMismatchException} instead.
 */
public final class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely. */
  public enum Kind {
    /** The repository, tag, manifest, blob or platform does not exist. */
    NOT_FOUND,
    /** The registry or its token server refused the credentials (401/403). */
    UNAUTHORIZED,
    /** The registry could not be reached, or answered with a server error after retries. */
    UNREACHABLE,
    /** The registry served something this tool deliberately does not read (schema 1). */
    UNSUPPORTED,
    /** The registry answered something that breaks the distribution protocol. */
    PROTOCOL
  }

  private final Kind kind;

  public RegistryException(Kind kind, String message) {
    this(kind, message, null);
  }

  public RegistryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** The category of the failure. */
  public Kind kind() {
    return kind;
  }
}
