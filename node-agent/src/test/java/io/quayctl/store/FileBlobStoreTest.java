package io.quayctl.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.quayctl.api.Digest;
import io.quayctl.store.StoredBlob.Kind;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Instant EARLIER = Instant.parse("2025-05-01T08:00:00Z");

  @TempDir Path tmp;

  private FileBlobStore store() throws Exception {
    return FileBlobStore.open(tmp.resolve("store"), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static byte[] bytes(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static Digest put(BlobStore store, byte[] content) throws Exception {
    Digest d = Digest.of(content);
    store.write(d, new ByteArrayInputStream(content));
    return d;
  }

  @Test
  void listsVerifiedBlobsAndPartialDownloadsWithSizeAndLastUse() throws Exception {
    FileBlobStore store = store();
    Digest a = put(store, bytes(1000));
    Files.setLastModifiedTime(store.find(a).orElseThrow(), FileTime.from(EARLIER));
    Digest b = Digest.of(bytes(5000));
    Files.write(store.partialPath(b), bytes(300));
    Path temporary = store.partialPath(b).resolveSibling(b.hex() + ".12345.tmp");
    Files.write(temporary, bytes(20));
    // Not the store's: ignored.
    Files.writeString(store.root().resolve("blobs/sha256/README"), "hi");
    Files.writeString(store.root().resolve("partial/notes.txt"), "hi");

    List<StoredBlob> listed =
        store.list().stream().sorted(Comparator.comparing(StoredBlob::size)).toList();

    assertThat(listed)
        .extracting(StoredBlob::digest, StoredBlob::kind, StoredBlob::size)
        .containsExactly(
            tuple(b, Kind.PARTIAL, 20L), tuple(b, Kind.PARTIAL, 300L), tuple(a, Kind.BLOB, 1000L));
    assertThat(listed.get(2).lastUse()).isEqualTo(EARLIER);
    assertThat(listed.get(0).path()).isEqualTo(temporary);
  }

  @Test
  void touchAndOpenRecordAUseAndTouchingAnAbsentBlobDoesNothing() throws Exception {
    FileBlobStore store = store();
    Digest a = put(store, bytes(10));
    Digest b = put(store, bytes(20));
    for (Digest d : List.of(a, b)) {
      Files.setLastModifiedTime(store.find(d).orElseThrow(), FileTime.from(EARLIER));
    }

    store.touch(a);
    try (InputStream in = store.open(b)) {
      assertThat(in.readAllBytes()).hasSize(20);
    }
    store.touch(Digest.of(bytes(30)));

    assertThat(store.list()).extracting(StoredBlob::lastUse).containsOnly(NOW);
    assertThat(store.list()).hasSize(2);
  }

  @Test
  void aDeletedBlobIsGoneAtOnceWhileAReaderThatOpenedItReadsOn() throws Exception {
    FileBlobStore store = store();
    byte[] content = bytes(200_000);
    Digest a = put(store, content);
    StoredBlob item = store.list().get(0);

    try (InputStream reader = store.open(a)) {
      byte[] head = reader.readNBytes(1000);
      store.delete(item);

      assertThat(store.contains(a)).isFalse();
      assertThat(store.find(a)).isEmpty();
      assertThat(store.list()).isEmpty();
      byte[] rest = reader.readAllBytes();
      assertThat(head.length + rest.length).isEqualTo(content.length);
      assertThat(FileBlobStore.hash(new ByteArrayInputStream(concat(head, rest)))).isEqualTo(a);
    }
    // Deleting again is harmless; the blob can be stored again.
    store.delete(item);
    put(store, content);
    assertThat(store.contains(a)).isTrue();
  }

  @Test
  void deletesAPartialDownloadAndRefusesFilesThatAreNotTheStores() throws Exception {
    FileBlobStore store = store();
    Digest b = Digest.of(bytes(99));
    Files.write(store.partialPath(b), bytes(40));
    StoredBlob partial = store.list().get(0);
    assertThat(partial.kind()).isEqualTo(Kind.PARTIAL);

    store.delete(partial);
    assertThat(store.partialPath(b)).doesNotExist();

    Path outside = Files.writeString(tmp.resolve(b.hex()), "keep me");
    StoredBlob foreign = new StoredBlob(b, Kind.BLOB, 7, NOW, outside);
    assertThatThrownBy(() -> store.delete(foreign)).isInstanceOf(IllegalArgumentException.class);
    Digest other = Digest.of("other".getBytes(StandardCharsets.UTF_8));
    StoredBlob misnamed =
        new StoredBlob(other, Kind.PARTIAL, 7, NOW, store.partialPath(b).resolveSibling("x"));
    assertThatThrownBy(() -> store.delete(misnamed)).isInstanceOf(IllegalArgumentException.class);
    assertThat(outside).exists();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
