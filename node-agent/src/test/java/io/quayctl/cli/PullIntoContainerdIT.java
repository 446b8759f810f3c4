package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.Quayctl;
import io.quayctl.registry.MediaTypes;
import io.quayctl.registry.Platform;
import io.quayctl.testing.ContainerdDaemon;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit =
          Quayctl.run(
              false,
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
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }

    assertThat(exit).as(out + "\n" + err).isZero();
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
    assertThat(snapshots.lines().filter(l -> l.contains("Committed"))).hasSize(3);
  }
}
