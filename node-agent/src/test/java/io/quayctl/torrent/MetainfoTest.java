package io.quayctl.torrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.Digest;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.tracker.Bencode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetainfoTest {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "0, 16384",
    "1, 16384",
    "4194304, 16384", // 4 MiB: 256 pieces
    "33554432, 16384", // 32 MiB: exactly 2048 pieces
    "33554433, 32768",
    "104857600, 65536", // 100 MiB: 1600 pieces
    "1073741824, 524288", // 1 GiB: 2048 pieces
    "34359738368, 16777216", // 32 GiB: 2048 pieces of 16 MiB
    "137438953472, 16777216" // 128 GiB: capped, 8192 pieces
  })
  void pieceLengthIsAPureFunctionOfSize(long size, int expected) {
    assertThat(Metainfo.pieceLengthFor(size)).isEqualTo(expected);
  }

  @Test
  void pieceLengthIsAPowerOfTwoAndKeepsPieceCountsModest() {
    for (long size = 1; size < 64 * GIB; size = size * 3 + 7) {
      int pl = Metainfo.pieceLengthFor(size);
      assertThat(Integer.bitCount(pl)).as("power of two for %d", size).isEqualTo(1);
      assertThat(pl).isBetween(Metainfo.MIN_PIECE_LENGTH, Metainfo.MAX_PIECE_LENGTH);
      long pieces = (size + pl - 1) / pl;
      if (pl < Metainfo.MAX_PIECE_LENGTH) {
        assertThat(pieces).isLessThanOrEqualTo(Metainfo.MAX_PIECES);
      }
      if (pl > Metainfo.MIN_PIECE_LENGTH) {
        assertThat(pieces).as("pieces for %d", size).isGreaterThan(Metainfo.MAX_PIECES / 2);
      }
    }
  }

  private Path blob(String name, int size, long seed) throws IOException {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  private static Digest digestOf(Path p) throws IOException {
    return Digest.of(Files.readAllBytes(p));
  }

  @Test
  void infoDictionaryHoldsOnlyContentDerivedFields() throws Exception {
    Path p = blob("layer", 100_000, 1);
    Digest d = digestOf(p);
    Metainfo m = Metainfo.create(d, p);

    Map<String, Object> top = Bencode.decodeDictionary(m.bytes());
    assertThat(top).containsOnlyKeys("info");
    Map<String, Object> info = Bencode.dictionary(top, "info").orElseThrow();
    assertThat(info).containsOnlyKeys("length", "name", "piece length", "pieces", "private");
    assertThat(Bencode.integer(info, "private")).contains(1L);
    assertThat(Bencode.string(info, "name")).contains(d.hex());
    assertThat(Bencode.integer(info, "length")).contains(100_000L);
    assertThat(m.pieceLength()).isEqualTo(16384);
    assertThat(m.pieceCount()).isEqualTo(7);
    assertThat(m.fileName()).isEqualTo(d.hex());

    // Piece hashes are the SHA-1 of each piece, the last one short.
    byte[] content = Files.readAllBytes(p);
    byte[] pieces = (byte[]) info.get("pieces");
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    for (int i = 0; i < 7; i++) {
      int from = i * 16384;
      byte[] expected =
          sha1.digest(Arrays.copyOfRange(content, from, Math.min(from + 16384, content.length)));
      assertThat(Arrays.copyOfRange(pieces, i * 20, i * 20 + 20)).isEqualTo(expected);
    }
    byte[] rawInfo = Bencode.rawValue(m.bytes(), "info").orElseThrow();
    assertThat(m.infoHash()).isEqualTo(InfoHash.of(sha1.digest(rawInfo)));
  }

  @Test
  void aBlobThatDoesNotHashToItsDigestGetsNoMetainfo() throws Exception {
    Path p = blob("rotten", 300_000, 3);
    Digest d = digestOf(p);
    byte[] bytes = Files.readAllBytes(p);
    bytes[123_456] ^= 1;
    Files.write(p, bytes);

    assertThatThrownBy(() -> Metainfo.create(d, p))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("digest mismatch for " + d);
  }

  @Test
  void sameBlobGivesSameInfohashWhateverItsPathOrTimestamps() throws Exception {
    Path a = blob("a", 300_000, 2);
    Path b = Files.copy(a, dir.resolve("elsewhere-b"));
    Files.setLastModifiedTime(b, FileTime.fromMillis(0));
    Digest d = digestOf(a);
    Metainfo ma = Metainfo.create(d, a);
    Metainfo mb = Metainfo.create(d, b);
    assertThat(mb.infoHash()).isEqualTo(ma.infoHash());
    assertThat(mb.bytes()).isEqualTo(ma.bytes());
    assertThat(Metainfo.create(d, a)).isEqualTo(ma);

    Path other = blob("other", 300_000, 3);
    assertThat(Metainfo.create(digestOf(other), other).infoHash()).isNotEqualTo(ma.infoHash());
  }

  @Test
  void parseAcceptsWhatCreateMakesAndChecksTheDigest() throws Exception {
    Path p = blob("layer", 50_000, 4);
    Digest d = digestOf(p);
    Metainfo m = Metainfo.create(d, p);
    Metainfo parsed = Metainfo.parse(d, m.bytes());
    assertThat(parsed.infoHash()).isEqualTo(m.infoHash());
    assertThat(parsed.length()).isEqualTo(50_000);
    assertThat(parsed.pieceLength()).isEqualTo(m.pieceLength());

    Digest other = Digest.of(new byte[] {1});
    assertThatThrownBy(() -> Metainfo.parse(other, m.bytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match the digest");
  }

  @Test
  void infoHashValueType() {
    InfoHash h = InfoHash.parse("0123456789ABCDEF0123456789abcdef01234567");
    assertThat(h.hex()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(InfoHash.of(h.bytes())).isEqualTo(h).hasSameHashCodeAs(h);
    assertThatThrownBy(() -> InfoHash.parse("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InfoHash.of(new byte[19]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
