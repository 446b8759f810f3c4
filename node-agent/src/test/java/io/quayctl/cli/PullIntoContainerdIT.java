package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.Quayctl;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.testing.ContainerdDaemon;
import io.quayctl.testing.FreePort;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quayctl docker torrent pull --runtime containerd}: the image lands in containerd's {@code
 * k8s.io} namespace under the registry's manifest digest, unpacked, as kubelet expects.
 */
class PullIntoContainerdIT {
  private static RegistryServer registry;
  private static ContainerdDaemon containerd;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.anonymous();
    containerd = ContainerdDaemon.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (containerd != null) {
      containerd.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void pulledImageIsCompleteAndUnpackedInK8sNamespaceWithTheRegistryDigest(@TempDir Path data)
      throws Exception {
    Image image =
        ImageFixtures.image("web", 3, 48 * 1024, Platform.current(), MediaTypes.OCI_MANIFEST);
    ImageFixtures.push(registry, "team/web", "3", image);
    String ref = registry.host() + "/team/web:3";

    Run run =
        quayctl(
            "docker",
            "torrent",
            "pull",
            ref,
            "--runtime",
            "containerd",
            "--containerd-address",
            containerd.socket().toString(),
            "--data-dir",
            data.toString());

    assertThat(run.exit()).as(run.output()).isZero();
    assertImported(ref, image);
  }

  @Test
  void swarmPullWithoutRegistryAccessLandsInContainerd(@TempDir Path seederData, @TempDir Path data)
      throws Exception {
    Image image =
        ImageFixtures.image("swarm", 3, 96 * 1024, Platform.current(), MediaTypes.OCI_MANIFEST);
    ImageFixtures.push(registry, "team/swarm", "1", image);
    String ref = registry.host() + "/team/swarm:1";
    int trackerPort = FreePort.find();
    Path jar = Path.of(System.getProperty("quayctl.jar", "target/quayctl.jar")).toAbsolutePath();
    Path seedLog = seederData.resolve("seed.log");
    Process seeder =
        new ProcessBuilder(
                "java",
                "-jar",
                jar.toString(),
                "docker",
                "torrent",
                "seed",
                ref,
                "--serve-tracker",
                "127.0.0.1:" + trackerPort,
                "--duration",
                "60s",
                "--lower-port",
                "21881",
                "--upper-port",
                "21889",
                "--data-dir",
                seederData.resolve("data").toString())
            .redirectErrorStream(true)
            .redirectOutput(seedLog.toFile())
            .start();
    try {
      Run run =
          quayctl(
              "docker",
              "torrent",
              "pull",
              ref,
              "--skip-web-seed",
              "--tracker",
              "http://127.0.0.1:" + trackerPort + "/announce",
              "--peer-timeout",
              "60s",
              "--lower-port",
              "22881",
              "--upper-port",
              "22889",
              "--runtime",
              "containerd",
              "--containerd-address",
              containerd.socket().toString(),
              "--data-dir",
              data.toString());
      assertThat(run.exit()).as(run.output() + "\nseeder:\n" + Files.readString(seedLog)).isZero();
      assertThat(run.output()).contains("from registry 0 B");
      assertImported(ref, image);
      assertThat(seeder.isAlive()).as("the seeder still seeds").isTrue();
    } finally {
      seeder.destroy();
      seeder.waitFor(20, TimeUnit.SECONDS);
      seeder.destroyForcibly();
    }
    assertThat(Files.readString(seedLog))
        .as("the seeder's last word, after SIGTERM")
        .containsPattern("stopped seeding " + java.util.regex.Pattern.quote(ref) + " \\([1-9]")
        .contains("uploaded to peers)");
    for (ImageFixtures.Layer layer : image.layers()) {
      assertThat(registry.blobGets(layer.digest()))
          .as("registry GETs of " + layer.digest())
          .hasSize(1);
    }
  }

  private static void assertImported(String ref, Image image) throws Exception {
    String images = containerd.ctr("k8s.io", "images", "ls").orThrow();
    assertThat(images)
        .as("ctr -n k8s.io images ls")
        .containsPattern(
            java.util.regex.Pattern.quote(ref)
                + "\\s+"
                + java.util.regex.Pattern.quote(MediaTypes.OCI_MANIFEST)
                + "\\s+"
                + image.manifestDigest());
    String check = containerd.ctr("k8s.io", "images", "check").orThrow();
    assertThat(check.lines().filter(l -> l.startsWith(ref + " ")))
        .singleElement()
        .satisfies(l -> assertThat(l).contains("complete (4/4)"));
    String snapshots =
        containerd
            .ctr("k8s.io", "snapshots", "--snapshotter", containerd.snapshotter(), "ls")
            .orThrow();
    assertThat(snapshots.lines().filter(l -> l.contains("Committed")).count())
        .isGreaterThanOrEqualTo(image.layers().size());
  }

  record Run(int exit, String output) {}

  private static Run quayctl(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(stream);
    System.setErr(stream);
    try {
      int exit = Quayctl.run(false, args);
      return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
