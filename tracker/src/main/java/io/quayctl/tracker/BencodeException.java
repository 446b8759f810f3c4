package io.quayctl.tracker;

/** Input is not valid bencoding, or a value cannot be bencoded. */
public final class BencodeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BencodeException(String message) {
    super(message);
  }
}
