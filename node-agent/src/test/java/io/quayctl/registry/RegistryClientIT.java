package io.quayctl.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.RegistryException.Kind;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.store.FileBlobStore;
import io.quayctl.testing.CuttingProxy;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.ImageFixtures.Layer;
import io.quayctl.testing.RegistryFront;
import io.quayctl.testing.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient} against a real anonymous distribution registry. */
class RegistryClientIT {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64/v8");

  private static RegistryServer registry;
  private final RegistryClient client =
      RegistryClient.builder().retries(5, Duration.ofMillis(50)).build();

  @TempDir Path tmp;

  @BeforeAll
  static void startRegistry() throws IOException {
    registry = RegistryServer.anonymous();
  }

  @AfterAll
  static void stopRegistry() throws IOException {
    if (registry != null) {
      registry.close();
    }
  }

  private FileBlobStore store() throws IOException {
    return FileBlobStore.open(tmp.resolve("store"));
  }

  @Test
  void resolvesTheMatchingPlatformFromAnOciIndex() throws IOException {
    Image amd = ImageFixtures.image("multi", 2, 10_000, AMD64, MediaTypes.OCI_MANIFEST);
    Image arm = ImageFixtures.image("multi", 2, 10_000, ARM64, MediaTypes.OCI_MANIFEST);
    byte[] index =
        ImageFixtures.pushIndex(registry, "multi", "v1", MediaTypes.OCI_INDEX, List.of(amd, arm));

    ResolvedImage resolved =
        client.resolve(registry.ref("multi:v1"), Platform.parse("linux/arm64"));

    assertThat(resolved.manifestDigest()).isEqualTo(arm.manifestDigest());
    assertThat(resolved.manifestBytes()).isEqualTo(arm.manifest());
    assertThat(resolved.manifestMediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(resolved.platform()).isEqualTo(ARM64);
    assertThat(resolved.config().digest()).isEqualTo(arm.configDigest());
    assertThat(resolved.layers())
        .extracting(Descriptor::digest)
        .containsExactlyElementsOf(arm.layers().stream().map(Layer::digest).toList());
    assertThat(resolved.index()).isPresent();
    assertThat(resolved.index().get().bytes()).isEqualTo(index);
    assertThat(resolved.index().get().mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(resolved.topDigest()).isEqualTo(Digest.of(index));
  }

  @Test
  void resolvesFromADockerManifestList() throws IOException {
    Image amd = ImageFixtures.image("list", 1, 5_000, AMD64);
    Image arm = ImageFixtures.image("list", 1, 5_000, ARM64);
    ImageFixtures.pushIndex(
        registry, "list", "v1", MediaTypes.DOCKER_MANIFEST_LIST, List.of(arm, amd));

    ResolvedImage resolved = client.resolve(registry.ref("list:v1"), AMD64);

    assertThat(resolved.manifestDigest()).isEqualTo(amd.manifestDigest());
    assertThat(resolved.manifestMediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_V2);
    assertThat(resolved.index().orElseThrow().mediaType())
        .isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
  }

  @Test
  void noMatchingPlatformListsTheAvailableOnes() throws IOException {
    Image amd = ImageFixtures.image("noplat", 1, 1_000, AMD64, MediaTypes.OCI_MANIFEST);
    Image arm = ImageFixtures.image("noplat", 1, 1_000, ARM64, MediaTypes.OCI_MANIFEST);
    ImageFixtures.pushIndex(registry, "noplat", "v1", MediaTypes.OCI_INDEX, List.of(amd, arm));

    assertThatThrownBy(
            () -> client.resolve(registry.ref("noplat:v1"), Platform.parse("linux/s390x")))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageContaining("no manifest for platform linux/s390x")
        .hasMessageContaining("available: linux/amd64, linux/arm64/v8");
  }

  @Test
  void resolvesOciAndDockerV2ManifestsReadingThePlatformFromTheConfig() throws IOException {
    Image oci = ImageFixtures.image("single", 2, 3_000, AMD64, MediaTypes.OCI_MANIFEST);
    Image docker = ImageFixtures.image("single", 2, 3_000, AMD64, MediaTypes.DOCKER_MANIFEST_V2);
    ImageFixtures.push(registry, "single", "oci", oci);
    ImageFixtures.push(registry, "single", "docker", docker);

    ResolvedImage a = client.resolve(registry.ref("single:oci"), AMD64);
    ResolvedImage b = client.resolve(registry.ref("single:docker"), AMD64);

    assertThat(a.manifestMediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(a.manifestBytes()).isEqualTo(oci.manifest());
    assertThat(a.index()).isEmpty();
    assertThat(a.platform()).isEqualTo(AMD64);
    assertThat(b.manifestMediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_V2);
    assertThat(b.manifestDigest()).isEqualTo(docker.manifestDigest());
    assertThatThrownBy(() -> client.resolve(registry.ref("single:oci"), ARM64))
        .hasMessageContaining("is for linux/amd64 only");
  }

  @Test
  void resolvesByDigestAndRejectsAnUnknownDigest() throws IOException {
    Image image = ImageFixtures.image("bydigest", 1, 2_000, AMD64, MediaTypes.OCI_MANIFEST);
    ImageFixtures.push(registry, "bydigest", "v1", image);

    ResolvedImage resolved =
        client.resolve(registry.ref("bydigest@" + image.manifestDigest()), AMD64);
    assertThat(resolved.manifestDigest()).isEqualTo(image.manifestDigest());
    ResolvedImage pinned =
        client.resolve(registry.ref("bydigest:v1@" + image.manifestDigest()), AMD64);
    assertThat(pinned.manifestBytes()).isEqualTo(image.manifest());

    Digest other = Digest.of("not this manifest".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> client.resolve(registry.ref("bydigest@" + other), AMD64))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageContaining("image " + registry.host() + "/bydigest@" + other)
        .hasMessageContaining("not found in registry " + registry.host());
  }

  @Test
  void manifestBytesThatDoNotMatchThePinnedDigestAreRejected() throws IOException {
    Image image = ImageFixtures.image("liar", 1, 2_000, AMD64, MediaTypes.OCI_MANIFEST);
    Image other = ImageFixtures.image("liar2", 1, 2_000, AMD64, MediaTypes.OCI_MANIFEST);
    ImageFixtures.push(registry, "liar", "v1", image);
    try (RegistryFront front = RegistryFront.start(registry)) {
      front.serveManifest(
          "liar", image.manifestDigest().toString(), MediaTypes.OCI_MANIFEST, other.manifest());
      ImageReference ref = ImageReference.parse(front.host() + "/liar@" + image.manifestDigest());

      assertThatThrownBy(() -> client.resolve(ref, AMD64))
          .isInstanceOfSatisfying(
              DigestMismatchException.class,
              e -> {
                assertThat(e.expected()).isEqualTo(image.manifestDigest());
                assertThat(e.actual()).isEqualTo(other.manifestDigest());
              });
    }
  }

  @Test
  void schema1IsRejectedClearly() throws IOException {
    byte[] schema1 =
        """
        {"schemaVersion": 1, "name": "old", "tag": "v1", "architecture": "amd64",
         "fsLayers": [], "history": [], "signatures": []}
        """
            .getBytes(StandardCharsets.UTF_8);
    try (RegistryFront front = RegistryFront.start(registry)) {
      front.serveManifest("old", "v1", MediaTypes.DOCKER_MANIFEST_V1_SIGNED, schema1);
      front.serveManifest("old", "plainjson", "application/json", schema1);
      for (String tag : List.of("v1", "plainjson")) {
        assertThatThrownBy(
                () -> client.resolve(ImageReference.parse(front.host() + "/old:" + tag), AMD64))
            .isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
            .hasMessageContaining("schema 1")
            .hasMessageContaining("not supported");
      }
    }
  }

  @Test
  void unknownImageAndBlobAreNotFound() throws IOException {
    assertThatThrownBy(() -> client.resolve(registry.ref("nosuch/repo:v1"), AMD64))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageStartingWith(
            "image "
                + registry.host()
                + "/nosuch/repo:v1 not found in registry "
                + registry.host());
    Image image = ImageFixtures.image("missingblob", 1, 1_000, AMD64);
    ImageFixtures.push(registry, "missingblob", "v1", image);
    Digest absent = Digest.of(new byte[] {1, 2, 3});
    assertThatThrownBy(
            () ->
                client.fetch(
                    registry.ref("missingblob:v1"),
                    Descriptor.of(MediaTypes.OCI_LAYER_GZIP, absent, 3),
                    store(),
                    Registry.TransferListener.NONE))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageContaining("blob " + absent)
        .hasMessageContaining("not found in registry " + registry.host());
    assertThat(store().partialPath(absent)).doesNotExist();
  }

  @Test
  void connectionRefusedIsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(
            () -> client.resolve(ImageReference.parse("127.0.0.1:" + port + "/x:v1"), AMD64))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
        .hasMessageContaining("cannot reach registry 127.0.0.1:" + port);
  }

  @Test
  void fetchesEachDistinctLayerOnceAndVerifiesIt() throws IOException {
    Layer a = ImageFixtures.layer("dup-a", 50_000, 1);
    Layer b = ImageFixtures.layer("dup-b", 50_000, 2);
    Image image = ImageFixtures.image(List.of(a, b, a), AMD64, MediaTypes.OCI_MANIFEST, "dup");
    ImageFixtures.push(registry, "dup", "v1", image);
    FileBlobStore store = store();
    long[] progress = new long[1];

    ResolvedImage resolved = client.resolve(registry.ref("dup:v1"), AMD64);
    assertThat(resolved.layers()).hasSize(3);
    for (Descriptor d : resolved.uniqueLayers()) {
      client.fetch(resolved.reference(), d, store, (digest, n) -> progress[0] += n);
    }
    client.fetch(resolved.reference(), resolved.config(), store, Registry.TransferListener.NONE);
    for (Descriptor d : resolved.layers()) {
      client.fetch(resolved.reference(), d, store, Registry.TransferListener.NONE);
    }

    assertThat(store.contains(a.digest())).isTrue();
    assertThat(store.contains(b.digest())).isTrue();
    assertThat(store.contains(image.configDigest())).isTrue();
    assertThat(Files.readAllBytes(store.find(a.digest()).orElseThrow())).isEqualTo(a.gzipped());
    assertThat(progress[0]).isEqualTo(a.gzipped().length + b.gzipped().length);
    assertThat(registry.blobGets(a.digest())).hasSize(1);
    assertThat(registry.blobGets(b.digest())).hasSize(1);
    // The config was read once, while resolving, and stored from memory.
    assertThat(registry.blobGets(image.configDigest())).hasSize(1);
  }

  @Test
  void concurrentFetchesOfOneBlobShareOneDownload() throws Exception {
    Layer big = ImageFixtures.layer("shared", 4_000_000, 3);
    Image image = ImageFixtures.image(List.of(big), AMD64, MediaTypes.OCI_MANIFEST, "shared");
    ImageFixtures.push(registry, "shared", "v1", image);
    FileBlobStore store = store();
    Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, big.digest(), big.gzipped().length);
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  // Slow the transfer down so that the fetches overlap.
                  return client.fetch(
                      registry.ref("shared:v1"),
                      blob,
                      store,
                      (d, n) -> sleep(Duration.ofMillis(5)));
                }));
      }
      start.countDown();
      for (Future<Path> f : results) {
        assertThat(f.get()).isEqualTo(store.find(big.digest()).orElseThrow());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(registry.blobGets(big.digest())).hasSize(1);
    assertThat(Files.readAllBytes(store.find(big.digest()).orElseThrow())).isEqualTo(big.gzipped());
  }

  @Test
  void tamperedBlobLeavesNothingInTheStore() throws IOException {
    Layer layer = ImageFixtures.layer("tampered", 100_000, 4);
    Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "tampered");
    ImageFixtures.push(registry, "tampered", "v1", image);
    FileBlobStore store = store();
    try (RegistryFront front = RegistryFront.start(registry)) {
      front.tamper(layer.digest());
      ImageReference ref = ImageReference.parse(front.host() + "/tampered:v1");
      ResolvedImage resolved = client.resolve(ref, AMD64);

      assertThatThrownBy(() -> client.fetch(ref, resolved.layers().get(0), store, (d, n) -> {}))
          .isInstanceOfSatisfying(
              DigestMismatchException.class,
              e -> assertThat(e.expected()).isEqualTo(layer.digest()))
          .hasMessageContaining("from registry " + front.host());
    }
    assertThat(store.contains(layer.digest())).isFalse();
    assertThat(listFiles(store.root().resolve("blobs"))).isEmpty();
    assertThat(store.partialPath(layer.digest())).doesNotExist();
  }

  @Test
  void resumesFromAPartialFileLeftByAnEarlierProcess() throws IOException {
    Layer layer = ImageFixtures.layer("restart", 1_000_000, 5);
    Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "restart");
    ImageFixtures.push(registry, "restart", "v1", image);
    FileBlobStore store = store();
    int half = layer.gzipped().length / 2;
    Files.write(store.partialPath(layer.digest()), Arrays.copyOf(layer.gzipped(), half));
    long[] progress = new long[1];

    client.fetch(
        registry.ref("restart:v1"),
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.gzipped().length),
        store,
        (d, n) -> progress[0] += n);

    assertThat(Files.readAllBytes(store.find(layer.digest()).orElseThrow()))
        .isEqualTo(layer.gzipped());
    assertThat(progress[0]).isEqualTo(layer.gzipped().length - half);
    List<RegistryServer.Access> gets = registry.blobGets(layer.digest());
    assertThat(gets).hasSize(1);
    assertThat(gets.get(0).status()).isEqualTo(206);
    assertThat(gets.get(0).bytes()).isEqualTo(layer.gzipped().length - half);
    assertThat(store.partialPath(layer.digest())).doesNotExist();
  }

  @Test
  void aDamagedPartialFileIsDownloadedAgainNotBlamedOnTheRegistry() throws IOException {
    Layer layer = ImageFixtures.layer("damaged", 1_000_000, 7);
    Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "damaged");
    ImageFixtures.push(registry, "damaged", "v1", image);
    FileBlobStore store = store();
    int half = layer.gzipped().length / 2;
    byte[] kept = Arrays.copyOf(layer.gzipped(), half);
    kept[1000] ^= (byte) 0xff; // what a crash or a bad disk left behind
    Files.write(store.partialPath(layer.digest()), kept);

    client.fetch(
        registry.ref("damaged:v1"),
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layer.digest(), layer.gzipped().length),
        store,
        (d, n) -> {});

    assertThat(Files.readAllBytes(store.find(layer.digest()).orElseThrow()))
        .isEqualTo(layer.gzipped());
    List<RegistryServer.Access> gets = registry.blobGets(layer.digest());
    assertThat(gets).extracting(RegistryServer.Access::status).containsExactly(206, 200);
    assertThat(gets.get(1).bytes()).isEqualTo(layer.gzipped().length);
    assertThat(store.partialPath(layer.digest())).doesNotExist();
  }

  @Test
  void resumesWithARangeRequestAfterTheConnectionDrops() throws IOException {
    Layer layer = ImageFixtures.layer("dropped", 3_000_000, 6);
    Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "dropped");
    ImageFixtures.push(registry, "dropped", "v1", image);
    FileBlobStore store = store();
    try (CuttingProxy proxy = CuttingProxy.start(registry.port())) {
      ImageReference ref = ImageReference.parse(proxy.host() + "/dropped:v1");
      ResolvedImage resolved = client.resolve(ref, AMD64);
      proxy.cutOnce(1_000_000, Duration.ZERO);

      client.fetch(ref, resolved.layers().get(0), store, Registry.TransferListener.NONE);

      assertThat(proxy.cuts()).isEqualTo(1);
    }
    assertThat(Files.readAllBytes(store.find(layer.digest()).orElseThrow()))
        .isEqualTo(layer.gzipped());
    List<RegistryServer.Access> gets = registry.blobGets(layer.digest());
    assertThat(gets).extracting(RegistryServer.Access::status).containsExactly(200, 206);
    assertThat(gets.get(1).bytes()).isLessThan(layer.gzipped().length).isGreaterThan(0);
  }

  @Test
  void opensByteRangesOfABlob() throws IOException {
    Layer layer = ImageFixtures.layer("ranges", 200_000, 7);
    Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "ranges");
    ImageFixtures.push(registry, "ranges", "v1", image);
    byte[] all = layer.gzipped();
    ImageReference ref = registry.ref("ranges:v1");

    try (InputStream in = client.openBlob(ref, layer.digest(), 1000, 5000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(all, 1000, 6000));
    }
    try (InputStream in = client.openBlob(ref, layer.digest(), all.length - 10, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(all, all.length - 10, all.length));
    }
    try (InputStream in = client.openBlob(ref, layer.digest(), 0, -1)) {
      assertThat(in.readAllBytes()).isEqualTo(all);
    }
    assertThat(registry.blobGets(layer.digest()))
        .extracting(RegistryServer.Access::status)
        .containsExactly(206, 206, 200);
  }

  @Test
  void aRangedStreamCutShortFailsInsteadOfEndingEarly() throws IOException {
    Layer layer = ImageFixtures.layer("cutrange", 1_000_000, 8);
    Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "cutrange");
    ImageFixtures.push(registry, "cutrange", "v1", image);
    try (CuttingProxy proxy = CuttingProxy.start(registry.port())) {
      ImageReference ref = ImageReference.parse(proxy.host() + "/cutrange:v1");
      proxy.cutOnce(100_000, Duration.ZERO);
      try (InputStream in = client.openBlob(ref, layer.digest(), 1, 900_000)) {
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
      }
    }
  }

  private static List<Path> listFiles(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
