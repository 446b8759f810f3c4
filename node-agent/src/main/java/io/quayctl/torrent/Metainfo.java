package io.quayctl.torrent;

import io.quayctl.api.Digest;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.tracker.Bencode;
import io.quayctl.tracker.IndexedTorrent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The metainfo ({@code .torrent}) of one blob, built deterministically so that every host holding
 * the blob computes the same infohash and joins the same swarm.
 *
 * <p>The info dictionary holds exactly {@code length}, {@code name}, {@code piece length}, {@code
 * pieces} and {@code private = 1}: a single-file v1 torrent, its name the digest's hex (which is
 * also the file's name in the blob store's {@code partial/} directory), its piece length a pure
 * function of the size ({@link #pieceLengthFor}). Nothing per-host goes inside it; the metainfo
 * carries no announce, creation date or creator either: trackers and web seeds are given to the
 * engine per download.
 */
public final class Metainfo {
  /** The smallest piece: one BitTorrent block. */
  public static final int MIN_PIECE_LENGTH = 16 * 1024;

  /** The largest piece, reached only by blobs over 32 GiB. */
  public static final int MAX_PIECE_LENGTH = 16 * 1024 * 1024;

  /** Pieces stay at or below this count until the largest piece length is reached. */
  public static final int MAX_PIECES = 2048;

  private final Digest digest;
  private final InfoHash infoHash;
  private final long length;
  private final int pieceLength;
  private final byte[] bytes;

  private Metainfo(Digest digest, InfoHash infoHash, long length, int pieceLength, byte[] bytes) {
    this.digest = digest;
    this.infoHash = infoHash;
    this.length = length;
    this.pieceLength = pieceLength;
    this.bytes = bytes;
  }

  /**
   * The piece length for a blob of {@code size} bytes: the smallest power of two of at least 16 KiB
   * that keeps the piece count at or below {@value #MAX_PIECES}, capped at 16 MiB. So a 4 MiB layer
   * has 256 pieces of 16 KiB, a 100 MiB layer 1600 of 64 KiB, 1 GiB 2048 of 512 KiB: enough pieces
   * for many peers to exchange, few enough hashes to keep metainfo small (40 KiB at most below 32
   * GiB).
   */
  public static int pieceLengthFor(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    int pieceLength = MIN_PIECE_LENGTH;
    while (pieceLength < MAX_PIECE_LENGTH && (size + pieceLength - 1) / pieceLength > MAX_PIECES) {
      pieceLength <<= 1;
    }
    return pieceLength;
  }

  /**
   * Builds the metainfo of the blob at {@code blob} by hashing its pieces, and checks in the same
   * read that the blob hashes to {@code digest}: piece hashes made from corrupt bytes would let
   * every peer download the corruption and fail only at the end.
   *
   * @throws DigestMismatchException when the blob does not hash to {@code digest}
   */
  public static Metainfo create(Digest digest, Path blob) throws IOException {
    try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.READ)) {
      long length = ch.size();
      int pieceLength = pieceLengthFor(length);
      MessageDigest sha1 = sha1();
      MessageDigest sha256 = Digest.newSha256();
      int pieces = (int) ((length + pieceLength - 1) / pieceLength);
      ByteArrayOutputStream hashes = new ByteArrayOutputStream(pieces * 20);
      ByteBuffer buf = ByteBuffer.allocateDirect(Math.min(pieceLength, 1 << 20));
      long position = 0;
      long pieceEnd = Math.min(pieceLength, length);
      while (position < length) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), pieceEnd - position));
        int n = ch.read(buf, position);
        if (n < 0) {
          throw new IOException(blob + " shrank while its pieces were hashed");
        }
        buf.flip();
        sha256.update(buf.duplicate());
        sha1.update(buf);
        position += n;
        if (position == pieceEnd) {
          hashes.writeBytes(sha1.digest());
          pieceEnd = Math.min(pieceEnd + pieceLength, length);
        }
      }
      Digest actual = Digest.fromSha256(sha256.digest());
      if (!actual.equals(digest)) {
        throw new DigestMismatchException(digest, actual, blob.toString());
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("length", length);
      info.put("name", digest.hex());
      info.put("piece length", (long) pieceLength);
      info.put("pieces", hashes.toByteArray());
      info.put("private", 1L);
      byte[] bytes = Bencode.encode(Map.of("info", info));
      return new Metainfo(digest, infoHashOf(bytes), length, pieceLength, bytes);
    }
  }

  /**
   * Reads metainfo registered for {@code digest} (for example from the index), checking that it is
   * a private single-file v1 torrent named after the digest. Trackers or web seeds outside the info
   * dictionary are kept in {@link #bytes()} but the engine uses its own.
   */
  public static Metainfo parse(Digest digest, byte[] torrent) {
    IndexedTorrent checked = IndexedTorrent.parse(digest.toString(), torrent);
    Map<String, Object> info =
        Bencode.dictionary(Bencode.decodeDictionary(torrent), "info").orElseThrow();
    long length = Bencode.integer(info, "length").orElseThrow();
    long pieceLength = Bencode.integer(info, "piece length").orElseThrow();
    if (pieceLength > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("piece length " + pieceLength + " is too large");
    }
    return new Metainfo(
        digest, InfoHash.parse(checked.infoHash()), length, (int) pieceLength, torrent.clone());
  }

  private static InfoHash infoHashOf(byte[] torrent) {
    return InfoHash.of(sha1().digest(Bencode.rawValue(torrent, "info").orElseThrow()));
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-1", e);
    }
  }

  /** The blob this metainfo describes. */
  public Digest digest() {
    return digest;
  }

  /** The v1 infohash: the swarm's identity. */
  public InfoHash infoHash() {
    return infoHash;
  }

  /** The blob's size in bytes. */
  public long length() {
    return length;
  }

  /** Bytes per piece (the last piece may be shorter). */
  public int pieceLength() {
    return pieceLength;
  }

  /** Number of pieces. */
  public int pieceCount() {
    return (int) ((length + pieceLength - 1) / pieceLength);
  }

  /** The name of the single file: the digest's hex. */
  public String fileName() {
    return digest.hex();
  }

  /** The bencoded metainfo, as registered with the index and read by other clients. */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metainfo other
        && other.digest.equals(digest)
        && Arrays.equals(other.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(digest, Arrays.hashCode(bytes));
  }

  @Override
  public String toString() {
    return "Metainfo[" + digest + ", infohash " + infoHash + ", " + pieceCount() + " pieces]";
  }
}
