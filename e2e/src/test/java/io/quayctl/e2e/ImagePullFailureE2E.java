package io.quayctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.NodeReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ImagePulls that cannot succeed fail with a reason a user can act on, and nothing reaches any
 * node's runtime. A small cluster (bastion and one worker) with a registry that needs credentials.
 */
class ImagePullFailureE2E {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static Cluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.start(Cluster.Options.of(1).withRegistryAuth("e2e", "e2e-password"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.copyLogs(Path.of("target/e2e-logs/ImagePullFailureE2E"));
      cluster.close();
    }
  }

  @Test
  void anImageThatDoesNotExistFailsWithAClearReason() throws Exception {
    String reference = cluster.registry().hostPort() + "/e2e/missing:v1";
    cluster.applyImagePull("missing", reference, spec -> spec.setBackoffLimit(0));

    ImagePull failed = awaitFailed("missing");

    assertThat(reasons(failed))
        .as("reasons in %s", failed.getStatus().getConditions())
        .anySatisfy(r -> assertThat(r).containsAnyOf("ManifestUnknown", "NotFound"));
    assertNothingImported(reference);
  }

  @Test
  void aWrongPullSecretFailsWithAnAuthenticationReason() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("e2e/secret", "v1", 1, 256 * 1024);
    cluster.createPullSecret("wrong-credentials", "e2e", "not-the-password");
    cluster.applyImagePull(
        "wrong-secret",
        image.reference(),
        spec -> {
          spec.setPullSecrets(List.of("wrong-credentials"));
          spec.setBackoffLimit(0);
        });

    ImagePull failed = awaitFailed("wrong-secret");

    assertThat(reasons(failed))
        .as("reasons in %s", failed.getStatus().getConditions())
        .anySatisfy(r -> assertThat(r).containsAnyOf("Unauthorized", "Denied", "Auth"));
    assertNothingImported(image.reference());
    assertThat(cluster.registry().blobGets())
        .as("blobs served without valid credentials")
        .isEmpty();
  }

  private static ImagePull awaitFailed(String name) throws Exception {
    return cluster.awaitImagePull(
        name,
        p -> p.getStatus() != null && p.getStatus().getPhase() == ImagePullPhase.Failed,
        TIMEOUT);
  }

  /** Every reason the status gives: failed nodes' and the conditions'. */
  private static List<String> reasons(ImagePull pull) {
    var status = pull.getStatus();
    var fromNodes = status.getFailedNodes().stream().map(NodeReason::getReason).toList();
    var fromConditions =
        status.getConditions().stream()
            .filter(c -> "False".equals(c.getStatus()) || "Failed".equals(c.getType()))
            .map(c -> c.getReason() + ": " + c.getMessage())
            .toList();
    return java.util.stream.Stream.concat(fromNodes.stream(), fromConditions.stream()).toList();
  }

  private static void assertNothingImported(String reference) throws Exception {
    for (NodeHost node : cluster.nodes()) {
      assertThat(node.images())
          .as("images in %s's containerd", node.name())
          .doesNotContain(reference);
    }
  }
}
