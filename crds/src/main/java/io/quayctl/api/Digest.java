package io.quayctl.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:4f53...}; only sha256 is accepted. */
public final class Digest implements Comparable<Digest> {
  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

  private final String hex;

  private Digest(String hex) {
    this.hex = hex;
  }

  /** Parses {@code sha256:<64 lowercase hex>}, naming the problem when the text is not one. */
  public static Digest parse(String text) {
    Objects.requireNonNull(text, "digest");
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "invalid digest \"" + text + "\": expected sha256:<64 hex characters>");
    }
    String algorithm = text.substring(0, colon);
    if (!algorithm.equals("sha256")) {
      throw new IllegalArgumentException(
          "unsupported digest algorithm \"" + algorithm + "\" in \"" + text + "\": only sha256");
    }
    String hex = text.substring(colon + 1);
    if (!SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid digest \"" + text + "\": expected 64 lowercase hex characters after sha256:");
    }
    return new Digest(hex);
  }

  /** Returns the digest of the given bytes. */
  public static Digest of(byte[] bytes) {
    return fromSha256(newSha256().digest(bytes));
  }

  /** Wraps a raw 32-byte sha256 value. */
  public static Digest fromSha256(byte[] sha256) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("sha256 value must be 32 bytes, was " + sha256.length);
    }
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  /** Returns a fresh sha256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** The algorithm, always {@code sha256}. */
  public String algorithm() {
    return "sha256";
  }

  /** The lowercase hex encoding of the hash. */
  public String hex() {
    return hex;
  }

  /** A short form for logs and progress bars: the first 12 hex characters. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest other && other.hex.equals(hex);
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }

  @Override
  public int compareTo(Digest o) {
    return hex.compareTo(o.hex);
  }
}
