package io.quayctl.runtime;

import java.io.IOException;

/** The container runtime's daemon could not be reached. */
public final class RuntimeUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public RuntimeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
