package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.Digest;
import io.quayctl.registry.Platform;
import io.quayctl.testing.DockerDaemon;
import io.quayctl.testing.HostCommand;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.QuayctlProcess;
import io.quayctl.testing.RegistryServer;
import io.quayctl.testing.TestNetwork;
import io.quayctl.testing.TestNetwork.Host;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code quayctl docker torrent} CLI across hosts: A (the bastion) may read the registry, which
 * sits behind it; B and C may not, and each has its own dockerd. Every quayctl is the packaged jar,
 * run as its own process inside its host's network namespace.
 */
class MultiHostPullIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  private static final int LAYER_BYTES = 3 * 1024 * 1024;

  private static TestNetwork net;
  private static Host a;
  private static Host b;
  private static Host c;
  private static Host registryHost;
  private static RegistryServer registry;
  private static DockerDaemon dockerB;
  private static DockerDaemon dockerC;

  @TempDir static Path work;

  @BeforeAll
  static void network() throws Exception {
    net = TestNetwork.create();
    a = net.addHost("a");
    b = net.addHost("b");
    c = net.addHost("c");
    registryHost = net.addHostBehind(a, "reg");
    registry = RegistryServer.anonymous(registryHost);
    dockerB = DockerDaemon.start(b, List.of());
    dockerC = DockerDaemon.start(c, List.of());
  }

  @AfterAll
  static void teardown() throws Exception {
    if (dockerC != null) {
      dockerC.close();
    }
    if (dockerB != null) {
      dockerB.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (net != null) {
      net.close();
    }
  }

  @Test
  void workerWithoutRegistryAccessPullsAMultiLayerImageFromTheBastionOnly() throws Exception {
    int port = registry.port();
    assertThat(TestNetwork.canConnect(a, registryHost.address(), port)).isTrue();
    assertThat(TestNetwork.canConnect(b, registryHost.address(), port))
        .as("B must not reach the registry")
        .isFalse();
    Image image = ImageFixtures.image("solo", 3, LAYER_BYTES, Platform.current());
    ImageFixtures.push(registry, "team/solo", "1", image);
    String ref = registry.host() + "/team/solo:1";
    Path stats = work.resolve("solo-b.json");

    try (QuayctlProcess seed = seed(ref, "seed-solo", 6969)) {
      seed.awaitOutput("Seeding " + ref, RUN_TIMEOUT);
      try (QuayctlProcess pull = pull(b, dockerB, ref, 6969, "pull-solo", stats)) {
        assertThat(pull.awaitExit(RUN_TIMEOUT)).as(pull.transcript()).isZero();
        assertThat(pull.out()).contains("Imported " + ref + " into docker");
      }
      // Stopping a seeder is its normal end: exit 0, one line.
      seed.terminate();
      assertThat(seed.awaitExit(Duration.ofSeconds(30))).as(seed.transcript()).isZero();
      assertThat(seed.err()).contains("stopped seeding " + ref).doesNotContain("Exception");
    }

    assertImageIn(dockerB, ref, image);
    JsonNode summary = JSON.readTree(stats.toFile());
    assertThat(summary.get("fromRegistry").asLong()).isZero();
    assertThat(summary.get("fromPeers").asLong()).isEqualTo(blobBytes(image));
    // A is the only peer. (At full speed a blob can arrive between two samples of the per-peer
    // counters, so the breakdown may be empty, but it never names anyone else.)
    List<String> senders = new ArrayList<>();
    summary.get("fromPeersByAddress").fieldNames().forEachRemaining(senders::add);
    assertThat(senders).isSubsetOf(a.address());
    assertEachBlobServedOnce(image);
  }

  @Test
  void twoWorkersPullingAtOnceTradePiecesWithEachOther() throws Exception {
    Image image = ImageFixtures.image("pair", 3, LAYER_BYTES, Platform.current());
    ImageFixtures.push(registry, "team/pair", "1", image);
    String ref = registry.host() + "/team/pair:1";
    Path statsB = work.resolve("pair-b.json");
    Path statsC = work.resolve("pair-c.json");

    // A uploads at 1 MiB/s in all: alone it would need ~18 s to serve 9 MiB to each worker, so
    // the workers only finish in time by trading pieces with each other.
    try (QuayctlProcess seed = seed(ref, "seed-pair", 6970, "--upload-rate", "1024")) {
      seed.awaitOutput("Seeding " + ref, RUN_TIMEOUT);
      try (QuayctlProcess pullB = pull(b, dockerB, ref, 6970, "pull-pair", statsB);
          QuayctlProcess pullC = pull(c, dockerC, ref, 6970, "pull-pair", statsC)) {
        assertThat(pullB.awaitExit(RUN_TIMEOUT)).as(pullB.transcript()).isZero();
        assertThat(pullC.awaitExit(RUN_TIMEOUT)).as(pullC.transcript()).isZero();
        assertThat(pullB.out()).contains("From peers: ").contains(c.address());
        assertThat(pullC.out()).contains("From peers: ").contains(b.address());
      }
    }

    assertImageIn(dockerB, ref, image);
    assertImageIn(dockerC, ref, image);
    JsonNode fromB = JSON.readTree(statsB.toFile());
    JsonNode fromC = JSON.readTree(statsC.toFile());
    long total = blobBytes(image);
    assertThat(fromB.get("fromPeers").asLong()).isEqualTo(total);
    assertThat(fromC.get("fromPeers").asLong()).isEqualTo(total);
    long bFromC = fromB.get("fromPeersByAddress").path(c.address()).asLong();
    long cFromB = fromC.get("fromPeersByAddress").path(b.address()).asLong();
    assertThat(bFromC).as("bytes B received from C: %s", fromB).isPositive();
    assertThat(cFromB).as("bytes C received from B: %s", fromC).isPositive();
    // Together the workers got at least a layer's worth from each other, not a stray piece.
    assertThat(bFromC + cFromB).isGreaterThan(LAYER_BYTES);
    assertEachBlobServedOnce(image);
  }

  @Test
  void aSquashedImageTravelsAsOneLayerAndHoldsWhatItsLayersBuild() throws Exception {
    List<ImageFixtures.Layer> layers =
        List.of(
            ImageFixtures.layer("sq-base", 1024 * 1024, 11),
            ImageFixtures.layer("sq-mid", 1024 * 1024, 12),
            ImageFixtures.layerOf(
                "sq-base/.wh.file-0.bin",
                "",
                ".wh.sq-mid",
                "",
                "sq-top/",
                "",
                "sq-top/README",
                "top"));
    Image image =
        ImageFixtures.image(
            layers, Platform.current(), io.quayctl.registry.MediaTypes.DOCKER_MANIFEST_V2, "sq");
    ImageFixtures.push(registry, "team/squash", "1", image);
    String ref = registry.host() + "/team/squash:1";
    Path stats = work.resolve("squash-b.json");

    try (QuayctlProcess seed = seed(ref, "seed-squash", 6972, "--squashed")) {
      seed.awaitOutput("Seeding " + ref, RUN_TIMEOUT);
      assertThat(seed.out()).contains("Squashing 3 layers").contains("Squashed manifest ");
      try (QuayctlProcess pull =
          pull(
              b,
              dockerB,
              ref,
              6972,
              "pull-squash",
              stats,
              work.resolve("pull-squash-b"),
              "--squashed")) {
        assertThat(pull.awaitExit(RUN_TIMEOUT)).as(pull.transcript()).isZero();
        assertThat(pull.out()).contains("Squashed manifest ").contains("Imported " + ref);
      }
    }

    JsonNode inspect = JSON.readTree(dockerB.docker("image", "inspect", ref).orThrow()).get(0);
    assertThat(inspect.get("RootFS").get("Layers")).hasSize(1);
    assertThat(inspect.get("Config").get("Labels").get("io.quayctl.fixture").asText())
        .isEqualTo("sq");
    Path exported = work.resolve("squash-b-export.tar");
    dockerB.docker("create", "--name", "squash-b", ref).orThrow();
    dockerB.docker("export", "-o", exported.toString(), "squash-b").orThrow();
    List<String> files = new ArrayList<>();
    try (var tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            java.nio.file.Files.newInputStream(exported))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        files.add(e.getName());
      }
    }
    assertThat(files)
        .contains("sq-base/file-1.bin", "sq-base/README", "sq-top/README")
        .doesNotContain("sq-base/file-0.bin")
        .noneMatch(f -> f.startsWith("sq-mid"));
    // B got the squashed blobs from A alone; the registry served the original blobs once, to A.
    JsonNode summary = JSON.readTree(stats.toFile());
    assertThat(summary.get("fromRegistry").asLong()).isZero();
    // Every byte of the squashed image (its config and one layer), and nothing else.
    assertThat(summary.get("fromPeers").asLong()).isEqualTo(summary.get("bytes").asLong());
    assertEachBlobServedOnce(image);
  }

  @Test
  void rktPullWritesAValidAciFromTheSquashedLayerOfPeers() throws Exception {
    Path actool = HostCommand.require("actool", "appc-spec");
    Image image = ImageFixtures.image("aci", 2, 512 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/aci", "2", image);
    String ref = registry.host() + "/team/aci:2";
    Path aci = work.resolve("aci-b.aci");

    try (QuayctlProcess seed = seedWith(ref, "seed-aci", 6973, "rkt")) {
      seed.awaitOutput("Seeding " + ref, RUN_TIMEOUT);
      List<String> args =
          List.of(
              "rkt",
              "torrent",
              "pull",
              ref,
              "--skip-web-seed",
              "--tracker",
              "http://" + a.address() + ":6973/announce",
              "--data-dir",
              work.resolve("pull-aci-b").toString(),
              "--output",
              aci.toString());
      try (QuayctlProcess pull = QuayctlProcess.start(b, work, "pull-aci", args)) {
        assertThat(pull.awaitExit(RUN_TIMEOUT)).as(pull.transcript()).isZero();
        assertThat(pull.out()).contains("Wrote " + aci).contains("image sha512-");
      }
    }

    HostCommand.Result valid =
        HostCommand.run(
            Duration.ofSeconds(60), List.of(actool.toString(), "validate", aci.toString()));
    assertThat(valid.exitCode()).as(valid.out() + valid.err()).isZero();
    JsonNode manifest =
        JSON.readTree(
            HostCommand.run(
                    Duration.ofSeconds(60),
                    List.of(actool.toString(), "cat-manifest", aci.toString()))
                .orThrow());
    assertThat(manifest.path("name").asText()).endsWith("/team/aci");
    assertThat(manifest.path("app").path("exec").get(0).asText()).isEqualTo("/aci-0/README");
    List<String> files = new ArrayList<>();
    try (var tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(aci)))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        files.add(e.getName());
      }
    }
    assertThat(files).startsWith("manifest", "rootfs/").contains("rootfs/aci-1/README");
    assertEachBlobServedOnce(image);
  }

  @Test
  void sigtermKeepsTheDownloadedPartAndTheNextRunResumes() throws Exception {
    Image image = ImageFixtures.image("resume", 1, 8 * 1024 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/resume", "1", image);
    String ref = registry.host() + "/team/resume:1";
    Digest layer = image.layers().get(0).digest();
    Path data = work.resolve("resume-b");
    Path stats = work.resolve("resume-b.json");

    try (QuayctlProcess seed = seed(ref, "seed-resume", 6971, "--upload-rate", "768")) {
      seed.awaitOutput("Seeding " + ref, RUN_TIMEOUT);
      try (QuayctlProcess first = pull(b, dockerB, ref, 6971, "pull-resume-1", null, data)) {
        first.awaitOutput("Manifest ", RUN_TIMEOUT);
        // At A's 768 KiB/s, about half of the 8 MiB layer is here after 5 s.
        Thread.sleep(5000);
        first.terminate();
        assertThat(first.awaitExit(Duration.ofSeconds(30)))
            .as(first.transcript())
            .isEqualTo(ExitCode.INTERRUPTED);
        assertThat(first.err())
            .contains("interrupted: verified blobs and partial downloads are kept in " + data)
            .doesNotContain("Exception");
      }
      assertThat(data.resolve("resume").resolve(layer.hex() + ".resume")).isRegularFile();

      try (QuayctlProcess second = pull(b, dockerB, ref, 6971, "pull-resume-2", stats, data)) {
        assertThat(second.awaitExit(RUN_TIMEOUT)).as(second.transcript()).isZero();
      }
    }
    JsonNode summary = JSON.readTree(stats.toFile());
    assertThat(summary.get("fromPeers").asLong())
        .as("the second run fetched only what the first had not")
        .isLessThan(image.layers().get(0).gzipped().length - 1024L * 1024);
    assertImageIn(dockerB, ref, image);
  }

  @Test
  void peersOnlyPullWithNoReachableIndexFailsClearlyWithinThePeerTimeout() throws Exception {
    String ref = registry.host() + "/team/nowhere:1";
    long started = System.nanoTime();
    try (QuayctlProcess pull =
        QuayctlProcess.start(
            b,
            work,
            "pull-nowhere",
            List.of(
                "docker",
                "torrent",
                "pull",
                ref,
                "--skip-web-seed",
                "--tracker",
                "http://" + a.address() + ":6999/announce",
                "--peer-timeout",
                "5s",
                "--runtime",
                "docker",
                "--docker-host",
                dockerB.host(),
                "--data-dir",
                work.resolve("nowhere-b").toString()))) {
      assertThat(pull.awaitExit(Duration.ofSeconds(60)))
          .as(pull.transcript())
          .isEqualTo(ExitCode.UNREACHABLE);
      assertThat(pull.err())
          .contains(
              "cannot reach the index at http://"
                  + a.address()
                  + ":6999/ (from --index, else the"
                  + " first --tracker) for 5s: connection refused")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  // ---------------------------------------------------------------------------------------------

  private static QuayctlProcess seed(String ref, String name, int trackerPort, String... extra)
      throws IOException {
    return seedWith(ref, name, trackerPort, "docker", extra);
  }

  private static QuayctlProcess seedWith(
      String ref, String name, int trackerPort, String kind, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                kind,
                "torrent",
                "seed",
                ref,
                "--insecure",
                "--serve-tracker",
                a.address() + ":" + trackerPort,
                "--data-dir",
                work.resolve(name + "-a").toString()));
    args.addAll(List.of(extra));
    return QuayctlProcess.start(a, work, name, args);
  }

  private static QuayctlProcess pull(
      Host host, DockerDaemon docker, String ref, int trackerPort, String name, Path stats)
      throws IOException {
    return pull(
        host, docker, ref, trackerPort, name, stats, work.resolve(name + "-" + host.name()));
  }

  private static QuayctlProcess pull(
      Host host,
      DockerDaemon docker,
      String ref,
      int trackerPort,
      String name,
      Path stats,
      Path data,
      String... extra)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "docker",
                "torrent",
                "pull",
                ref,
                "--skip-web-seed",
                "--tracker",
                "http://" + a.address() + ":" + trackerPort + "/announce",
                "--runtime",
                "docker",
                "--docker-host",
                docker.host(),
                "--data-dir",
                data.toString()));
    if (stats != null) {
      args.addAll(List.of("--stats-file", stats.toString()));
    }
    args.addAll(List.of(extra));
    return QuayctlProcess.start(host, work, name, args);
  }

  /** The image is in the daemon under its tag, with its config digest as id and its layers. */
  private static void assertImageIn(DockerDaemon docker, String ref, Image image)
      throws IOException {
    JsonNode inspect = JSON.readTree(docker.docker("image", "inspect", ref).orThrow()).get(0);
    assertThat(inspect.get("Id").asText()).isEqualTo(image.configDigest().toString());
    List<String> layers = new ArrayList<>();
    inspect.get("RootFS").get("Layers").forEach(l -> layers.add(l.asText()));
    assertThat(layers)
        .containsExactlyElementsOf(
            image.layers().stream().map(l -> l.diffId().toString()).toList());
  }

  /** The registry served the config and every layer once in all: to the bastion. */
  private static void assertEachBlobServedOnce(Image image) throws IOException {
    assertThat(registry.blobGets(image.configDigest())).hasSize(1);
    for (ImageFixtures.Layer l : image.layers()) {
      assertThat(registry.blobGets(l.digest())).as("GETs of %s", l.digest()).hasSize(1);
    }
  }

  private static long blobBytes(Image image) {
    return image.config().length + image.layerBytes();
  }
}
