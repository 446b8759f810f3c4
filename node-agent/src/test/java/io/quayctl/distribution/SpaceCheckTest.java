package io.quayctl.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpaceCheckTest {
  private static final int KIB = 1024;

  @TempDir Path tmp;

  private FileBlobStore store;
  private final byte[] config = random(2 * KIB, 1);
  private final byte[] layerA = random(512 * KIB, 2);
  private final byte[] layerB = random(1024 * KIB, 3);

  @BeforeEach
  void openStore() throws IOException {
    store = FileBlobStore.open(tmp.resolve("store"));
  }

  /** Config, layer A, layer B and layer A again (stored once, so counted once). */
  private ResolvedImage image() {
    byte[] manifest = "{}".getBytes(StandardCharsets.UTF_8);
    return new ResolvedImage(
        ImageReference.parse("registry.example/team/app:1"),
        Digest.of(manifest),
        MediaTypes.OCI_MANIFEST,
        manifest,
        Descriptor.of(MediaTypes.OCI_CONFIG, Digest.of(config), config.length),
        List.of(layer(layerA), layer(layerB), layer(layerA)),
        Platform.parse("linux/amd64"),
        Optional.empty());
  }

  private static Descriptor layer(byte[] content) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.of(content), content.length);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static SpaceCheck.UsableSpace free(long bytes) {
    return dir -> bytes;
  }

  @Test
  void anEmptyStoreMissesEveryDistinctBlob() throws IOException {
    assertThat(new SpaceCheck(store, free(0)).missingBytes(image()))
        .isEqualTo(config.length + layerA.length + layerB.length);
  }

  @Test
  void blobsInTheStoreAndPartialDownloadsAreNotNeededAgain() throws IOException {
    store.write(Digest.of(layerB), new ByteArrayInputStream(layerB));
    Files.write(store.partialPath(Digest.of(layerA)), new byte[100 * KIB]);

    assertThat(new SpaceCheck(store, free(0)).missingBytes(image()))
        .isEqualTo(config.length + layerA.length - 100 * KIB);
  }

  @Test
  void aPartialFileLongerThanItsBlobNeedsNothingMoreButIsNotCredited() throws IOException {
    Files.write(store.partialPath(Digest.of(config)), new byte[config.length + 10]);

    assertThat(new SpaceCheck(store, free(0)).missingBytes(image()))
        .isEqualTo(layerA.length + layerB.length);
  }

  @Test
  void anImageThatDoesNotFitIsRefusedNamingTheDirectoryAndBothSizes() throws IOException {
    store.write(Digest.of(config), new ByteArrayInputStream(config));
    Files.write(store.partialPath(Digest.of(layerB)), new byte[512 * KIB]);
    SpaceCheck check = new SpaceCheck(store, free(600 * KIB));

    assertThatThrownBy(() -> check.require(image()))
        .isInstanceOfSatisfying(
            NotEnoughSpaceException.class,
            e -> {
              assertThat(e.needed()).isEqualTo(1024 * KIB);
              assertThat(e.usable()).isEqualTo(600 * KIB);
              assertThat(e.directory()).isEqualTo(store.root());
            })
        .hasMessage(
            "not enough space in "
                + store.root()
                + " for image registry.example/team/app:1: needs 1.0 MiB more, 600.0 KiB free;"
                + " free some space there or choose another --data-dir");
  }

  @Test
  void anImageThatJustFitsGoesAhead() {
    SpaceCheck check = new SpaceCheck(store, free(config.length + layerA.length + layerB.length));
    assertThatCode(() -> check.require(image())).doesNotThrowAnyException();
  }

  @Test
  void aCompleteImageNeedsNoSpaceAndDoesNotAskForIt() throws IOException {
    for (byte[] blob : List.of(config, layerA, layerB)) {
      store.write(Digest.of(blob), new ByteArrayInputStream(blob));
    }
    SpaceCheck check =
        new SpaceCheck(
            store,
            dir -> {
              throw new AssertionError("asked for the free space of " + dir);
            });
    assertThatCode(() -> check.require(image())).doesNotThrowAnyException();
  }

  @Test
  void whenTheFileSystemCannotTellItsSpaceThePullGoesAhead() {
    SpaceCheck check =
        new SpaceCheck(
            store,
            dir -> {
              throw new IOException("Mount point not found");
            });
    assertThatCode(() -> check.require(image())).doesNotThrowAnyException();
  }

  @Test
  void theRealFileSystemReportsTheSpaceOfTheStoresDirectory() throws IOException {
    assertThat(SpaceCheck.FILE_SYSTEM.of(store.root()))
        .isPositive()
        .isLessThanOrEqualTo(Files.getFileStore(tmp).getTotalSpace());
  }
}
