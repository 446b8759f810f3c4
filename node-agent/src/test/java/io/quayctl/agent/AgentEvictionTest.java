package io.quayctl.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.quayctl.api.Digest;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.operator.testing.ClusterFixtures;
import io.quayctl.operator.testing.MockApiServer;
import io.quayctl.store.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent keeps its blob store within the limit, against Fabric8's mock API server with a real
 * store on disk and a scripted puller: blobs of entries in the spec stay, whatever their phase;
 * blobs of an entry that left the spec go once the store is over its limit.
 */
class AgentEvictionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String NODE = "node-a";

  @TempDir Path tmp;
  private MockApiServer api;
  private KubernetesClient client;
  private FileBlobStore store;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ScriptedPuller puller = new ScriptedPuller();
  private final List<Digest> stoppedSeeding = new CopyOnWriteArrayList<>();
  private Agent agent;

  @BeforeEach
  void start() throws Exception {
    api = MockApiServer.start();
    client = api.client();
    store = FileBlobStore.open(tmp.resolve("store"));
    BlobEvictor evictor =
        new BlobEvictor(store, stoppedSeeding::add, 1600, Duration.ofHours(1), Clock.systemUTC());
    agent =
        new Agent(
            new AgentConfig(NODE, Duration.ofMillis(100), Duration.ofMillis(300)),
            api.newClient(),
            puller,
            new AgentMetrics(registry),
            Clock.systemUTC(),
            evictor);
  }

  @AfterEach
  void stop() {
    agent.close();
    api.close();
  }

  private Digest put(int size, Duration ago) throws Exception {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    Digest d = Digest.of(b);
    Path p = store.write(d, new ByteArrayInputStream(b));
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(ago)));
    return d;
  }

  @Test
  void blobsOfARemovedEntryAreEvictedOverTheLimitWhileThoseOfARemainingEntryStay()
      throws Exception {
    Digest configA = put(100, Duration.ofDays(1));
    Digest layerA = put(1000, Duration.ofDays(1));
    Digest configB = put(101, Duration.ofDays(9));
    Digest layerB = put(999, Duration.ofDays(9));
    Digest shared = put(500, Duration.ofDays(9));
    Digest junk = put(300, Duration.ofHours(1));

    NodeImageEntry a = EntryStatesTest.entry(1, false, null);
    NodeImageEntry b = EntryStatesTest.entry(1, false, null);
    b.setKey("apps/other");
    b.getImagePull().setUid("uid-2");
    createNodeImage(a, b);
    agent.start();
    ScriptedPuller.Job jobA = puller.await(EntryStates.idOf(a));
    ScriptedPuller.Job jobB = puller.await(EntryStates.idOf(b));
    jobA.blobs = Set.of(configA.toString(), layerA.toString(), shared.toString());
    jobA.emit(new PullEvent.Done());

    // b has not resolved its image: it might need any blob, so nothing goes yet.
    Thread.sleep(1000);
    assertThat(store.contains(junk)).isTrue();
    assertThat(stoppedSeeding).isEmpty();

    jobB.blobs = Set.of(configB.toString(), layerB.toString(), shared.toString());
    jobB.emit(new PullEvent.PhaseChanged(NodeImagePhase.Pulling));
    // 3000 bytes, limit 1600: only the junk is needed by no entry; 1100 bytes remain over.
    await().atMost(WAIT).until(() -> !store.contains(junk));
    await().atMost(WAIT).until(() -> gauge("quayctl_agent_store_over_limit_bytes") == 1100);
    assertThat(gauge("quayctl_agent_store_bytes")).isEqualTo(2700);
    assertThat(gauge("quayctl_agent_store_limit_bytes")).isEqualTo(1600);
    assertThat(stoppedSeeding).containsExactly(junk);
    for (Digest d : List.of(configA, layerA, configB, layerB, shared)) {
      assertThat(store.contains(d)).as("%s", d).isTrue();
    }

    // a leaves the spec: its own blobs go, what b needs (shared included) stays.
    setEntries(b);
    await().atMost(WAIT).until(() -> jobA.stopped);
    await().atMost(WAIT).until(() -> !store.contains(configA) && !store.contains(layerA));
    assertThat(store.contains(configB) && store.contains(layerB) && store.contains(shared))
        .isTrue();
    assertThat(stoppedSeeding).containsExactlyInAnyOrder(junk, configA, layerA);
    await().atMost(WAIT).until(() -> gauge("quayctl_agent_store_over_limit_bytes") == 0);
    assertThat(gauge("quayctl_agent_store_bytes")).isEqualTo(1600);
    assertThat(counter("quayctl_agent_evicted_bytes")).isEqualTo(1400);
  }

  private double gauge(String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getPrometheusName().equals(name) && s instanceof GaugeSnapshot g) {
        return g.getDataPoints().isEmpty() ? -1 : g.getDataPoints().get(0).getValue();
      }
    }
    return -1;
  }

  private double counter(String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getPrometheusName().equals(name) && s instanceof CounterSnapshot c) {
        return c.getDataPoints().isEmpty() ? 0 : c.getDataPoints().get(0).getValue();
      }
    }
    return -1;
  }

  private void createNodeImage(NodeImageEntry... entries) {
    client.resource(ClusterFixtures.nodeImage(NODE, entries)).create();
  }

  private void setEntries(NodeImageEntry... entries) {
    client
        .resources(NodeImage.class)
        .withName(NODE)
        .edit(
            ni -> {
              ni.getSpec().setImages(new ArrayList<>(List.of(entries)));
              return ni;
            });
  }
}
