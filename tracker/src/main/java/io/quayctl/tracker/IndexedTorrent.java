package io.quayctl.tracker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A blob's metainfo ({@code .torrent}) as the index accepts it: a private, single-file, v1 torrent
 * whose name is the hex of the blob's sha256 digest.
 *
 * @param digest the blob digest, {@code sha256:<hex>}
 * @param infoHash the v1 infohash (SHA-1 of the exact info dictionary bytes), hex
 * @param bytes the metainfo as registered
 */
public record IndexedTorrent(String digest, String infoHash, byte[] bytes) {
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  public IndexedTorrent {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Whether {@code text} is a digest the index accepts ({@code sha256:<64 lowercase hex>}). */
  public static boolean isDigest(String text) {
    return DIGEST.matcher(text).matches();
  }

  /**
   * Validates metainfo registered for {@code digest}, naming the first problem found in an {@link
   * IllegalArgumentException}.
   */
  public static IndexedTorrent parse(String digest, byte[] bytes) {
    if (!isDigest(digest)) {
      throw new IllegalArgumentException(
          "invalid digest \"" + digest + "\": expected sha256:<64 lowercase hex>");
    }
    Map<String, Object> top = Bencode.decodeDictionary(bytes);
    Map<String, Object> info =
        Bencode.dictionary(top, "info")
            .orElseThrow(() -> new IllegalArgumentException("metainfo has no info dictionary"));
    String hex = digest.substring("sha256:".length());
    String name = Bencode.string(info, "name").orElse("");
    if (!name.equals(hex)) {
      throw new IllegalArgumentException(
          "info name \"" + name + "\" does not match the digest " + digest);
    }
    if (Bencode.integer(info, "private").orElse(0L) != 1L) {
      throw new IllegalArgumentException("metainfo for " + digest + " is not private");
    }
    if (info.containsKey("files") || info.containsKey("meta version")) {
      throw new IllegalArgumentException("metainfo must be a single-file v1 torrent");
    }
    long length =
        Bencode.integer(info, "length")
            .orElseThrow(() -> new IllegalArgumentException("info has no length"));
    long pieceLength =
        Bencode.integer(info, "piece length")
            .orElseThrow(() -> new IllegalArgumentException("info has no piece length"));
    if (length < 0 || pieceLength <= 0) {
      throw new IllegalArgumentException("invalid length or piece length");
    }
    if (!(info.get("pieces") instanceof byte[] pieces)) {
      throw new IllegalArgumentException("info has no pieces");
    }
    long expected = (length + pieceLength - 1) / pieceLength;
    if (pieces.length != expected * 20) {
      throw new IllegalArgumentException(
          "pieces holds " + pieces.length / 20 + " hashes, expected " + expected);
    }
    byte[] rawInfo = Bencode.rawValue(bytes, "info").orElseThrow();
    return new IndexedTorrent(digest, HexFormat.of().formatHex(sha1(rawInfo)), bytes);
  }

  /**
   * The metainfo with {@code announce} set to {@code url} if it names no tracker; the info
   * dictionary, and so the infohash, is unchanged.
   */
  public byte[] withDefaultAnnounce(String url) {
    Map<String, Object> top = Bencode.decodeDictionary(bytes);
    if (top.containsKey("announce") || top.containsKey("announce-list")) {
      return bytes();
    }
    Map<String, Object> out = new LinkedHashMap<>(top);
    out.put("info", new Bencode.Raw(Bencode.rawValue(bytes, "info").orElseThrow()));
    out.put("announce", url);
    return Bencode.encode(out);
  }

  static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-1", e);
    }
  }
}
