package io.quayctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.v1alpha1.ImageFormat;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.RegistryServer;
import io.quayctl.testing.TestNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ImagePulls on the cluster in a box: one bastion that reads a registry behind it (htpasswd, pull
 * secret), three workers that cannot reach the registry at all. One cluster for the whole class;
 * every test pulls its own image.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagePullE2E {
  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The bastion's link is slower than the workers' so that sharing among workers shows. */
  private static final String BASTION_RATE = "80mbit";

  private static Cluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        Cluster.start(
            Cluster.Options.of(3)
                .withRegistryAuth("e2e", "e2e-password")
                .withBastionEgress(BASTION_RATE));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.copyLogs(Path.of("target/e2e-logs/ImagePullE2E"));
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void workersCannotReachTheRegistry() throws Exception {
    for (NodeHost worker : cluster.workers()) {
      assertThat(
              TestNetwork.canConnect(
                  worker.host(), cluster.registry().host().address(), RegistryHost.PORT))
          .as(worker.name() + " -> registry")
          .isFalse();
    }
  }

  @Test
  @Order(2)
  void everyNodeGetsTheImageFromTheBastionAndFromEachOther() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("e2e/happy", "v1", 3, 2L << 20);
    Map<String, HostNet.Counters> before = counters();

    ImagePull pull = cluster.applyImagePull("happy", image.reference(), spec -> {});
    ImagePull done = awaitComplete("happy");

    assertThat(done.getStatus().getResolvedDigest()).isEqualTo(image.digest());
    assertThat(done.getStatus().getSucceeded()).isEqualTo(cluster.nodes().size());
    Map<String, Optional<NodeImageEntryStatus>> statuses = cluster.nodeStatuses(pull.key());
    for (NodeHost node : cluster.nodes()) {
      assertThat(node.imageDigest(image.reference()))
          .as("digest of the image in %s's containerd", node.name())
          .contains(image.digest());
      NodeImageEntryStatus status = statuses.get(node.name()).orElseThrow();
      assertThat(status.getPhase().hasImage()).as(node.name() + " phase").isTrue();
      if (!node.isBastion()) {
        assertThat(status.getBytesFromRegistry()).as(node.name() + " from registry").isZero();
        assertThat(status.getBytesFromPeers())
            .as(node.name() + " from peers")
            .isGreaterThanOrEqualTo(image.layerBytes());
      }
    }

    // The registry served every blob exactly once, to the bastion.
    for (ImageFixtures.Layer layer : image.image().layers()) {
      List<RegistryServer.Access> gets = cluster.registry().blobGets(layer.digest());
      assertThat(gets.stream().mapToLong(RegistryServer.Access::bytes).sum())
          .as("bytes of %s served by the registry", layer.digest())
          .isEqualTo(layer.gzipped().length);
    }

    // Measured on the links, independent of what the agents report: the bastion sent less than
    // the workers received, so the rest came from the workers themselves.
    Map<String, HostNet.Counters> traffic = since(before);
    long bastionOut = traffic.get(cluster.bastion().name()).txBytes();
    long workersIn = 0;
    long workersOut = 0;
    for (NodeHost worker : cluster.workers()) {
      workersIn += traffic.get(worker.name()).rxBytes();
      workersOut += traffic.get(worker.name()).txBytes();
    }
    assertThat(workersIn).isGreaterThanOrEqualTo(cluster.workers().size() * image.layerBytes());
    assertThat(workersOut)
        .as("bytes the workers sent (each other's pieces)")
        .isGreaterThan(image.layerBytes() / 2);
    assertThat(bastionOut)
        .as("bytes the bastion sent, against %d the workers received", workersIn)
        .isLessThan(workersIn * 9 / 10);
  }

  @Test
  @Order(3)
  void aNodeThatJoinsAfterThePullStartedGetsTheImage() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("e2e/late", "v1", 2, 2L << 20);
    ImagePull pull = cluster.applyImagePull("late", image.reference(), spec -> {});
    cluster.awaitImagePull(
        "late",
        p -> p.getStatus() != null && p.getStatus().getResolvedDigest() != null,
        PULL_TIMEOUT);

    NodeHost late = cluster.addWorker("worker-late", "zone-b");

    ImagePull done =
        cluster.awaitImagePull(
            "late",
            p ->
                p.getStatus() != null
                    && p.getStatus().getPhase() == ImagePullPhase.Complete
                    && p.getStatus().getSucceeded() == cluster.nodes().size(),
            PULL_TIMEOUT);
    assertThat(done.getStatus().getDesired()).isEqualTo(cluster.nodes().size());
    assertThat(late.imageDigest(image.reference())).contains(image.digest());
    NodeImageEntryStatus status = cluster.nodeStatuses(pull.key()).get(late.name()).orElseThrow();
    assertThat(status.getBytesFromRegistry()).isZero();
  }

  @Test
  @Order(4)
  void aWorkerKilledMidPullFinishesWithoutRefetchingWhatItHad() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("e2e/resume", "v1", 3, 4L << 20);
    NodeHost victim = cluster.workers().get(0);
    // Slow every link so that the kill lands mid-pull.
    for (NodeHost node : cluster.nodes()) {
      HostNet.shapeEgress(node.host(), "24mbit");
    }
    try {
      HostNet.Counters before = victim.counters();
      cluster.applyImagePull("resume", image.reference(), spec -> {});
      long half = image.layerBytes() / 2;
      long deadline = System.nanoTime() + PULL_TIMEOUT.toNanos();
      while (victim.counters().since(before).rxBytes() < half) {
        assertThat(System.nanoTime()).as("the victim received half the image").isLessThan(deadline);
        Thread.sleep(50);
      }
      victim.killAgent();
      long hadBytes = victim.counters().since(before).rxBytes();
      assertThat(victim.imageDigest(image.reference())).isEmpty();

      victim.startAgent();
      awaitComplete("resume");

      long received = victim.counters().since(before).rxBytes();
      assertThat(victim.imageDigest(image.reference())).contains(image.digest());
      assertThat(received - hadBytes)
          .as(
              "bytes received after the restart; %d had arrived before the kill, image %d",
              hadBytes, image.layerBytes())
          .isLessThan(image.layerBytes() - hadBytes / 2);
    } finally {
      for (NodeHost node : cluster.nodes()) {
        HostNet.shapeEgress(node.host(), node.isBastion() ? BASTION_RATE : null);
      }
    }
  }

  @Test
  @Order(5)
  void deletingTheImagePullStopsSeedingAndClearsTheNodeImageEntries() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("e2e/delete", "v1", 2, 1L << 20);
    ImagePull pull = cluster.applyImagePull("delete", image.reference(), spec -> {});
    ImagePull done = awaitComplete("delete");
    List<String> infohashes =
        done.getStatus().getLayers().stream().map(Layer::getInfohash).toList();
    assertThat(infohashes).hasSize(2).doesNotContainNull();
    for (String infohash : infohashes) {
      assertThat(seeders(infohash)).as("seeders of " + infohash).isPositive();
    }

    cluster.deleteImagePull("delete");

    awaitTrue("the finalizer let the ImagePull go", () -> cluster.imagePull("delete") == null);
    awaitTrue(
        "every NodeImage entry of " + pull.key() + " is gone",
        () -> cluster.nodes().stream().noneMatch(n -> hasEntry(n.name(), pull.key())));
    // No seed duration set: nodes seed while the ImagePull exists, and stop when it is gone.
    for (String infohash : infohashes) {
      awaitTrue("no seeders of " + infohash, () -> seeders(infohash) == 0);
    }
  }

  @Test
  @Order(6)
  void aSquashedImagePullLandsAsOneLayerOnEveryNodeAndWorkersGetItFromPeers() throws Exception {
    Cluster.PushedImage image = cluster.pushImage("e2e/squashed", "v1", 3, 1L << 20);
    ImagePull pull =
        cluster.applyImagePull(
            "squashed", image.reference(), spec -> spec.setFormat(ImageFormat.SQUASHED));
    ImagePull done = awaitComplete("squashed");

    assertThat(done.getStatus().getResolvedDigest()).isEqualTo(image.digest());
    assertThat(done.getStatus().getSucceeded()).isEqualTo(cluster.nodes().size());
    assertThat(done.getStatus().getLayers()).as("the squashed layer").hasSize(1);
    Set<String> digests = new HashSet<>();
    for (NodeHost node : cluster.nodes()) {
      String digest = node.imageDigest(image.reference()).orElseThrow();
      digests.add(digest);
      JsonNode manifest = JSON.readTree(node.ctr("content", "get", digest).orThrow());
      assertThat(manifest.path("layers")).as("layers in %s's containerd", node.name()).hasSize(1);
      assertThat(manifest.path("annotations").path("io.quayctl.squashed-from").asText())
          .isEqualTo(image.digest());
    }
    assertThat(digests).as("the same squashed image on every node").hasSize(1);
    // The bastion squashed it (once); the workers did not.
    assertThat(cluster.bastion().agentMetrics())
        .containsPattern("(?m)^quayctl_agent_squash_duration_seconds_count 1$");
    for (NodeHost worker : cluster.workers()) {
      assertThat(worker.agentMetrics())
          .doesNotContainPattern("(?m)^quayctl_agent_squash_duration_seconds_count [1-9]");
    }
    Map<String, Optional<NodeImageEntryStatus>> statuses = cluster.nodeStatuses(pull.key());
    for (NodeHost worker : cluster.workers()) {
      NodeImageEntryStatus status = statuses.get(worker.name()).orElseThrow();
      assertThat(status.getBytesFromRegistry()).as(worker.name() + " from registry").isZero();
      assertThat(status.getBytesFromPeers())
          .as(worker.name() + " from peers")
          .isGreaterThanOrEqualTo(done.getStatus().getLayers().get(0).getSize());
    }
    // The bastion read each original blob once; nobody read anything else from the registry.
    for (ImageFixtures.Layer layer : image.image().layers()) {
      List<RegistryServer.Access> gets = cluster.registry().blobGets(layer.digest());
      assertThat(gets.stream().mapToLong(RegistryServer.Access::bytes).sum())
          .as("bytes of %s served by the registry", layer.digest())
          .isEqualTo(layer.gzipped().length);
    }
  }

  private static boolean hasEntry(String node, String key) {
    NodeImage ni = cluster.nodeImage(node);
    if (ni == null) {
      return false;
    }
    boolean spec =
        ni.getSpec() != null
            && ni.getSpec().getImages().stream().anyMatch(e -> key.equals(e.getKey()));
    boolean status =
        ni.getStatus() != null
            && ni.getStatus().getImages().stream().anyMatch(e -> key.equals(e.getKey()));
    return spec || status;
  }

  /** Seeders the tracker knows for one infohash (its scrape's {@code complete}). */
  private static int seeders(String infohash) {
    try {
      String response = cluster.control().scrape(infohash);
      int at = response.indexOf("8:completei");
      if (at < 0) {
        return 0;
      }
      int start = at + "8:completei".length();
      return Integer.parseInt(response.substring(start, response.indexOf('e', start)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ImagePull awaitComplete(String name) throws Exception {
    return cluster.awaitImagePull(
        name,
        p -> p.getStatus() != null && p.getStatus().getPhase() == ImagePullPhase.Complete,
        PULL_TIMEOUT);
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 90 s: " + what + "\n" + cluster.diagnostics());
      }
      Thread.sleep(250);
    }
  }

  private static Map<String, HostNet.Counters> counters() throws Exception {
    Map<String, HostNet.Counters> out = new HashMap<>();
    for (NodeHost node : cluster.nodes()) {
      out.put(node.name(), node.counters());
    }
    return out;
  }

  private static Map<String, HostNet.Counters> since(Map<String, HostNet.Counters> before)
      throws Exception {
    Map<String, HostNet.Counters> out = new HashMap<>();
    for (NodeHost node : cluster.nodes()) {
      out.put(node.name(), node.counters().since(before.get(node.name())));
    }
    return out;
  }
}
