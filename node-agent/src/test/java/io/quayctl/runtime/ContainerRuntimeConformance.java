package io.quayctl.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.ImageReference;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.FileBlobStore;
import io.quayctl.testing.CountingBlobStore;
import io.quayctl.testing.ImageFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link ContainerRuntime} adapter must do, checked against a real daemon. Subclasses
 * start one daemon per class and check results through the daemon's own CLI, never through the code
 * under test.
 */
public abstract class ContainerRuntimeConformance {
  /** Size of each layer of the main test image (random, so incompressible). */
  protected static final long LAYER_BYTES = 4L << 20;

  @TempDir protected Path tmp;

  /** The adapter connected to the class's daemon. */
  protected abstract ContainerRuntime runtime();

  /** An adapter of the same kind pointed at {@code socket}, where nothing answers. */
  protected abstract ContainerRuntime runtimeAt(Path socket) throws IOException;

  /** The daemon's name as error messages give it: {@code Docker}, {@code containerd}. */
  protected abstract String daemonName();

  /**
   * Checks through the daemon's CLI that the image is there under its name, with the registry's
   * digests and the layers of {@code fixture}, ready to create containers from.
   */
  protected abstract void assertImported(ResolvedImage image, ImageFixtures.Image fixture)
      throws IOException;

  /** Checks through the daemon's CLI that no image of {@code image} exists under any name. */
  protected abstract void assertAbsent(ResolvedImage image) throws IOException;

  /** A reference no other test uses, in the given form ({@code %s} is replaced by a unique id). */
  protected static ImageReference uniqueReference(String test) {
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    return ImageReference.parse(
        "localhost:5000/conformance/" + test.toLowerCase(Locale.ROOT) + "-" + id + ":1");
  }

  /** A fixture image whose layers no other test shares. */
  protected static ImageFixtures.Image fixture(ImageReference reference, int layers, long bytes) {
    String name = reference.repository().replace('/', '-');
    return ImageFixtures.image(name, layers, bytes, Platform.current());
  }

  protected FileBlobStore storeWith(ImageFixtures.Image image) throws IOException {
    FileBlobStore store = FileBlobStore.open(Files.createTempDirectory(tmp, "store"));
    image.storeBlobs(store);
    return store;
  }

  @Test
  void importsImageWithRegistryDigestsAndLayers() throws IOException {
    ImageReference reference = uniqueReference("import");
    ImageFixtures.Image fixture = fixture(reference, 3, LAYER_BYTES);
    ResolvedImage image = fixture.resolved(reference);
    FileBlobStore store = storeWith(fixture);
    assertThat(runtime().isPresent(image)).isFalse();

    long start = System.nanoTime();
    ImportResult result = runtime().importImage(image, store);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "%s: imported %d layers, %.1f MiB, in %d ms%n",
        runtime().name(), fixture.layers().size(), fixture.layerBytes() / 1048576.0, millis);

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
    assertThat(result.imageId()).isEqualTo(fixture.configDigest().toString());
    assertThat(result.layersSent()).isEqualTo(3);
    assertThat(result.layersSkipped()).isZero();
    assertThat(runtime().isPresent(image)).isTrue();
    assertImported(image, fixture);
  }

  @Test
  void reimportIsANoOpThatReadsNoBlob() throws IOException {
    ImageReference reference = uniqueReference("reimport");
    ImageFixtures.Image fixture = fixture(reference, 2, 64 << 10);
    ResolvedImage image = fixture.resolved(reference);
    runtime().importImage(image, storeWith(fixture));

    CountingBlobStore counting = new CountingBlobStore(storeWith(fixture));
    ImportResult again = runtime().importImage(image, counting);

    assertThat(again.outcome()).isEqualTo(ImportResult.Outcome.ALREADY_PRESENT);
    assertThat(again.layersSent()).isZero();
    assertThat(again.layersSkipped()).isEqualTo(2);
    assertThat(counting.opened()).as("blobs read on re-import").isEmpty();
    assertImported(image, fixture);
  }

  @Test
  void namesAnImageAlreadyPresentUnderAnotherNameWithoutSendingIt() throws IOException {
    ImageReference first = uniqueReference("first");
    ImageFixtures.Image fixture = fixture(first, 2, 64 << 10);
    runtime().importImage(fixture.resolved(first), storeWith(fixture));

    ImageReference second = uniqueReference("second");
    ResolvedImage image = fixture.resolved(second);
    CountingBlobStore counting = new CountingBlobStore(storeWith(fixture));
    ImportResult result = runtime().importImage(image, counting);

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.ALREADY_PRESENT);
    assertThat(result.layersSent()).isZero();
    assertThat(counting.opened())
        .as("layer blobs read")
        .doesNotContainAnyElementsOf(
            fixture.layers().stream().map(ImageFixtures.Layer::digest).toList());
    assertImported(image, fixture);
    assertImported(fixture.resolved(first), fixture);
  }

  @Test
  void importsImageWithARepeatedLayer() throws IOException {
    ImageReference reference = uniqueReference("repeated");
    String name = reference.repository().replace('/', '-');
    ImageFixtures.Layer a = ImageFixtures.layer(name + "-a", 256 << 10, 1);
    ImageFixtures.Layer b = ImageFixtures.layer(name + "-b", 256 << 10, 2);
    ImageFixtures.Image fixture =
        ImageFixtures.image(
            List.of(a, b, a),
            Platform.current(),
            fixture(reference, 1, 1).manifestMediaType(),
            name);
    ResolvedImage image = fixture.resolved(reference);

    ImportResult result = runtime().importImage(image, storeWith(fixture));

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
    assertThat(result.layersSent()).as("distinct layer blobs sent").isEqualTo(2);
    assertImported(image, fixture);
  }

  @Test
  void layersTheRuntimeHasAreNotSentAgain() throws IOException {
    ImageReference baseRef = uniqueReference("base");
    String name = baseRef.repository().replace('/', '-');
    ImageFixtures.Layer l0 = ImageFixtures.layer(name + "-0", 512 << 10, 10);
    ImageFixtures.Layer l1 = ImageFixtures.layer(name + "-1", 512 << 10, 11);
    ImageFixtures.Layer l2 = ImageFixtures.layer(name + "-2", 512 << 10, 12);
    String type = fixture(baseRef, 1, 1).manifestMediaType();
    ImageFixtures.Image base = ImageFixtures.image(List.of(l0, l1), Platform.current(), type, name);
    runtime().importImage(base.resolved(baseRef), storeWith(base));

    ImageReference appRef = uniqueReference("app");
    ImageFixtures.Image app =
        ImageFixtures.image(List.of(l0, l1, l2), Platform.current(), type, name + "-app");
    // The store holds only what the runtime lacks: sending l0 or l1 would fail the import.
    FileBlobStore store = FileBlobStore.open(Files.createTempDirectory(tmp, "partial"));
    store.write(app.configDigest(), new ByteArrayInputStream(app.config()));
    store.write(l2.digest(), new ByteArrayInputStream(l2.gzipped()));
    CountingBlobStore counting = new CountingBlobStore(store);

    ImportResult result = runtime().importImage(app.resolved(appRef), counting);

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
    assertThat(result.layersSent()).isEqualTo(1);
    assertThat(result.layersSkipped()).isEqualTo(2);
    assertThat(counting.opened()).doesNotContain(l0.digest(), l1.digest());
    assertImported(app.resolved(appRef), app);
  }

  @Test
  void clearErrorWhenTheDaemonIsDown() throws IOException {
    // A socket file nobody listens on: what a crashed daemon leaves behind.
    Path socket = tmp.resolve("dead.sock");
    try (ServerSocketChannel server =
        ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
    ImageReference reference = uniqueReference("down");
    ImageFixtures.Image fixture = fixture(reference, 1, 1024);
    try (ContainerRuntime dead = runtimeAt(socket)) {
      assertThatThrownBy(dead::ping)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("cannot reach " + daemonName() + " at ")
          .hasMessageContaining(socket.toString())
          .hasMessageContaining("connection refused");
      assertThatThrownBy(() -> dead.importImage(fixture.resolved(reference), storeWith(fixture)))
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("connection refused");
    }
    try (ContainerRuntime missing = runtimeAt(tmp.resolve("no-such.sock"))) {
      assertThatThrownBy(missing::ping)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("cannot reach " + daemonName() + " at ")
          .hasMessageContaining("no such socket");
    }
  }

  /** Ways a layer blob can be bad in the store after it was verified. */
  enum Damage {
    CORRUPT,
    TRUNCATED,
    MISSING
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aBadBlobMidStreamLeavesNothingImported(Damage damage) throws IOException {
    ImageReference reference = uniqueReference("bad-" + damage);
    ImageFixtures.Image fixture = fixture(reference, 3, 1 << 20);
    ResolvedImage image = fixture.resolved(reference);
    FileBlobStore store = storeWith(fixture);
    // The last layer, so the first ones are already streamed when it fails.
    ImageFixtures.Layer last = fixture.layers().get(2);
    Path blob = store.find(last.digest()).orElseThrow();
    switch (damage) {
      case CORRUPT -> {
        byte[] bytes = last.gzipped().clone();
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(blob, bytes);
      }
      case TRUNCATED -> Files.write(blob, java.util.Arrays.copyOf(last.gzipped(), 1000));
      case MISSING -> Files.delete(blob);
    }

    assertThatThrownBy(() -> runtime().importImage(image, store))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(RuntimeUnavailableException.class)
        .hasMessageContaining(last.digest().hex());

    assertThat(runtime().isPresent(image)).isFalse();
    assertAbsent(image);
    runtime().ping();
  }
}
