package io.quayctl.torrent;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A BitTorrent v1 infohash: the SHA-1 of a torrent's bencoded info dictionary. */
public final class InfoHash {
  private final byte[] bytes;

  private InfoHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps 20 raw bytes. */
  public static InfoHash of(byte[] sha1) {
    Objects.requireNonNull(sha1, "sha1");
    if (sha1.length != 20) {
      throw new IllegalArgumentException("an infohash is 20 bytes, got " + sha1.length);
    }
    return new InfoHash(sha1.clone());
  }

  /** Parses 40 hex characters (either case). */
  public static InfoHash parse(String hex) {
    if (hex == null || hex.length() != 40) {
      throw new IllegalArgumentException("an infohash is 40 hex characters: \"" + hex + "\"");
    }
    return new InfoHash(HexFormat.of().parseHex(hex));
  }

  /** The 20 raw bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Lowercase hex, as trackers and logs show it. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InfoHash other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
