package io.quayctl.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.runtime.ContainerRuntime;
import io.quayctl.runtime.ContainerRuntimeConformance;
import io.quayctl.runtime.ContainerRuntimes;
import io.quayctl.runtime.ImageConfig;
import io.quayctl.runtime.ImportResult;
import io.quayctl.testing.ContainerdDaemon;
import io.quayctl.testing.ImageFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ContainerdRuntime} against a real containerd started for this class. */
class ContainerdRuntimeIT extends ContainerRuntimeConformance {
  private static final String NS = "k8s.io";
  private static ContainerdDaemon daemon;
  private static ContainerdRuntime runtime;

  @BeforeAll
  static void startDaemon() throws IOException {
    daemon = ContainerdDaemon.start();
    runtime = ContainerdRuntime.connect(daemon.socket().toString(), NS, null);
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Override
  protected ContainerRuntime runtime() {
    return runtime;
  }

  @Override
  protected ContainerRuntime runtimeAt(Path socket) throws IOException {
    return ContainerdRuntime.connect(socket.toString(), NS, daemon.snapshotter());
  }

  @Override
  protected String daemonName() {
    return "containerd";
  }

  /** One row of {@code ctr images ls}. */
  private record Row(Digest digest, String mediaType, String labels) {}

  private static Map<String, Row> images() throws IOException {
    Map<String, Row> rows = new HashMap<>();
    List<String> lines = daemon.ctr(NS, "images", "ls").orThrow().lines().skip(1).toList();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      rows.put(f[0], new Row(Digest.parse(f[2]), f[1], f[f.length - 1]));
    }
    return rows;
  }

  @Override
  protected void assertImported(ResolvedImage image, ImageFixtures.Image fixture)
      throws IOException {
    String name = image.reference().toString();
    Map<String, Row> images = images();
    // The names CRI gives a pulled image, all pointing at the registry's digest, CRI-labelled.
    for (String ref :
        List.of(
            name,
            image.reference().name() + "@" + image.topDigest(),
            fixture.configDigest().toString())) {
      assertThat(images).as("ctr images ls").containsKey(ref);
      assertThat(images.get(ref).digest()).as("target of %s", ref).isEqualTo(image.topDigest());
      assertThat(images.get(ref).labels())
          .as("labels of %s", ref)
          .contains("io.cri-containerd.image=managed");
    }
    assertThat(images.keySet()).noneMatch(n -> n.startsWith("import.quayctl.io/"));

    String check =
        daemon
            .ctr(NS, "images", "check", "--snapshotter", daemon.snapshotter(), "name==" + name)
            .orThrow();
    assertThat(check.lines().skip(1).findFirst().orElse(""))
        .as("ctr images check")
        .contains("complete (")
        .endsWith("true");

    String manifest = daemon.ctr(NS, "content", "get", image.manifestDigest().toString()).orThrow();
    assertThat(manifest)
        .as("manifest bytes kept")
        .isEqualTo(new String(image.manifestBytes(), StandardCharsets.UTF_8));

    List<Digest> chain =
        ImageConfig.chainIds(fixture.layers().stream().map(ImageFixtures.Layer::diffId).toList());
    String snapshots =
        daemon.ctr(NS, "snapshots", "--snapshotter", daemon.snapshotter(), "ls").orThrow();
    for (Digest chainId : chain) {
      assertThat(snapshots.lines())
          .as("committed snapshot for chain %s", chainId)
          .anyMatch(l -> l.startsWith(chainId.toString()) && l.trim().endsWith("Committed"));
    }
  }

  @Override
  protected void assertAbsent(ResolvedImage image) throws IOException {
    String names = daemon.ctr(NS, "images", "ls", "-q").orThrow();
    assertThat(names.lines())
        .as("image names after a failed import")
        .doesNotContain(
            image.reference().toString(),
            image.reference().name() + "@" + image.topDigest(),
            image.config().digest().toString())
        .noneMatch(n -> n.startsWith("import.quayctl.io/"));
  }

  @Test
  void detectsTheSnapshotterContainerdCanUse() throws IOException {
    assertThat(runtime.snapshotter()).isEqualTo(daemon.snapshotter());
    System.out.println("containerd snapshotter: " + runtime.snapshotter());
  }

  @Test
  void aContainerCanBeCreatedFromTheUnpackedImage() throws IOException {
    ImageReference reference = uniqueReference("container");
    ImageFixtures.Image fixture = fixture(reference, 2, 64 << 10);
    runtime.importImage(fixture.resolved(reference), storeWith(fixture));

    // The image's rootfs as a container would see it, from the unpacked snapshots.
    Path mount = Files.createDirectory(tmp.resolve("rootfs"));
    String snap = daemon.snapshotter();
    daemon
        .ctr(NS, "images", "mount", "--snapshotter", snap, reference.toString(), mount.toString())
        .orThrow();
    try {
      String layerDir = reference.repository().replace('/', '-');
      assertThat(Files.readString(mount.resolve(layerDir + "-1/README")))
          .isEqualTo("layer " + layerDir + "-1\n");
      assertThat(Files.isSymbolicLink(mount.resolve(layerDir + "-0/latest"))).isTrue();
    } finally {
      daemon.ctr(NS, "images", "unmount", "--rm", mount.toString()).orThrow();
    }

    String id = "quayctl-" + Long.toHexString(System.nanoTime());
    daemon
        .ctr(NS, "containers", "create", "--snapshotter", snap, reference.toString(), id)
        .orThrow();
    try {
      assertThat(daemon.ctr(NS, "containers", "info", id).orThrow()).contains(reference.toString());
    } finally {
      daemon.ctr(NS, "containers", "rm", id).orThrow();
    }
  }

  @Test
  void anIndexIsRecordedLikeCriDoesWhileOtherPlatformsAreMissing() throws IOException {
    ImageReference reference = uniqueReference("index");
    ImageFixtures.Image native_ = fixture(reference, 2, 64 << 10);
    ImageFixtures.Image other =
        ImageFixtures.image(
            "other-" + reference.repository().replace('/', '-'),
            1,
            1024,
            new Platform("linux", "s390x", null));
    byte[] indexBytes = ImageFixtures.index(MediaTypes.OCI_INDEX, List.of(other, native_));
    ResolvedImage.IndexManifest index =
        new ResolvedImage.IndexManifest(Digest.of(indexBytes), MediaTypes.OCI_INDEX, indexBytes);
    ResolvedImage single = native_.resolved(reference);
    ResolvedImage image =
        new ResolvedImage(
            single.reference(),
            single.manifestDigest(),
            single.manifestMediaType(),
            single.manifestBytes(),
            single.config(),
            single.layers(),
            single.platform(),
            Optional.of(index));

    ImportResult result = runtime.importImage(image, storeWith(native_));

    assertThat(result.outcome()).isEqualTo(ImportResult.Outcome.IMPORTED);
    assertImported(image, native_);
    Map<String, Row> images = images();
    String platformRef = reference.name() + "@" + single.manifestDigest();
    assertThat(images.get(platformRef).digest())
        .as("the platform manifest's own digest reference")
        .isEqualTo(single.manifestDigest());
    assertThat(daemon.ctr(NS, "content", "get", index.digest().toString()).orThrow())
        .isEqualTo(new String(indexBytes, StandardCharsets.UTF_8));
    assertThat(runtime.isPresent(image)).isTrue();
    assertThat(runtime.importImage(image, storeWith(native_)).outcome())
        .isEqualTo(ImportResult.Outcome.ALREADY_PRESENT);
  }

  @Test
  void autoSelectionPicksContainerdWhenDockerIsDown() throws IOException {
    ContainerRuntimes.Options options =
        new ContainerRuntimes.Options(
            ContainerRuntimes.Kind.AUTO,
            daemon.socket().toString(),
            NS,
            null,
            "unix://" + tmp.resolve("no-docker.sock"),
            "--docker-host",
            null);
    ContainerRuntimes.Selection selection = ContainerRuntimes.open(options, Map.of());
    try (ContainerRuntime chosen = selection.runtime()) {
      assertThat(chosen.name()).isEqualTo("containerd");
      assertThat(selection.reason())
          .startsWith("auto: containerd at " + daemon.socket() + ", namespace k8s.io")
          .contains("Docker: cannot reach Docker at unix://");
    }
  }
}
