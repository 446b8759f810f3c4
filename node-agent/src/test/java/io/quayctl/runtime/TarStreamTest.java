package io.quayctl.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.Digest;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.MediaTypes;
import io.quayctl.store.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarStreamTest {
  @TempDir Path tmp;

  private static Map<String, byte[]> untar(InputStream in) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.put(entry.getName(), tar.readAllBytes());
      }
    }
    return entries;
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void writesFilesAndBlobsInOrderAsAReadableTar() throws IOException {
    FileBlobStore store = FileBlobStore.open(tmp);
    byte[] blob = random(70_000);
    Digest digest = Digest.of(blob);
    store.write(digest, new ByteArrayInputStream(blob));
    Descriptor descriptor = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, blob.length);

    TarStream tar =
        TarStream.builder()
            .file("oci-layout", "{}")
            .blob("blobs/sha256/" + digest.hex(), descriptor, store)
            .file("index.json", new byte[512])
            .build();
    byte[] archive = tar.readAllBytes();

    assertThat(archive.length % 512).isZero();
    Map<String, byte[]> entries = untar(new ByteArrayInputStream(archive));
    assertThat(entries.keySet())
        .containsExactly("oci-layout", "blobs/sha256/" + digest.hex(), "index.json");
    assertThat(entries.get("blobs/sha256/" + digest.hex())).isEqualTo(blob);
    assertThat(new String(entries.get("oci-layout"), StandardCharsets.UTF_8)).isEqualTo("{}");
  }

  @Test
  void opensABlobOnlyWhenTheReaderReachesIt() throws IOException {
    FileBlobStore store = FileBlobStore.open(tmp);
    Digest missing = Digest.of(new byte[] {1});
    TarStream tar =
        TarStream.builder()
            .file("first", random(2048))
            .blob("second", Descriptor.of(MediaTypes.OCI_LAYER_GZIP, missing, 1), store)
            .build();

    assertThat(tar.readNBytes(512 + 2048)).hasSize(512 + 2048);
    assertThatThrownBy(tar::readAllBytes)
        .isInstanceOf(TarStream.SourceException.class)
        .hasMessageContaining(missing + " is not in the store");
  }

  @Test
  void failsOnABlobThatChangedInTheStore() throws IOException {
    FileBlobStore store = FileBlobStore.open(tmp);
    byte[] blob = random(5000);
    Digest digest = Digest.of(blob);
    Path path = store.write(digest, new ByteArrayInputStream(blob));
    Descriptor descriptor = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, blob.length);

    blob[4000] ^= 1;
    Files.write(path, blob);
    assertThatThrownBy(
            () -> TarStream.builder().blob("b", descriptor, store).build().readAllBytes())
        .isInstanceOf(TarStream.SourceException.class)
        .hasMessageContaining("blob " + digest + " in the store is corrupt");

    Files.write(path, java.util.Arrays.copyOf(blob, 100));
    assertThatThrownBy(
            () -> TarStream.builder().blob("b", descriptor, store).build().readAllBytes())
        .hasMessageContaining("ended after 100 of 5000 bytes (truncated)");

    Files.write(path, java.util.Arrays.copyOf(blob, 5001));
    assertThatThrownBy(
            () -> TarStream.builder().blob("b", descriptor, store).build().readAllBytes())
        .hasMessageContaining("longer than the 5000 bytes expected");
  }

  @Test
  void refusesNamesTooLongForAPlainTarHeader() {
    assertThatThrownBy(() -> TarStream.builder().file("x".repeat(101), new byte[0]).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
