package io.quayctl.kube;

import java.io.IOException;

/** A pull secret could not be used; {@link #reason()} is the CamelCase reason for the status. */
public final class PullSecretException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The Secret does not exist (or this agent may not read it). */
  public static final String NOT_FOUND = "SecretNotFound";

  /** The Secret exists but holds no usable Docker credentials. */
  public static final String INVALID = "PullSecretInvalid";

  private final String reason;

  public PullSecretException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** {@link #NOT_FOUND} or {@link #INVALID}. */
  public String reason() {
    return reason;
  }
}
