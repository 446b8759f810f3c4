package io.quayctl.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.operator.testing.ClusterFixtures;
import io.quayctl.operator.testing.MockApiServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent against Fabric8's mock API server (CRUD, CRDs installed) with a scripted puller: what
 * the jobs report reaches the NodeImage's status subresource, and the spec drives the jobs.
 */
class AgentStatusTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String NODE = "node-a";

  private MockApiServer api;
  private KubernetesClient client;
  private final ScriptedPuller puller = new ScriptedPuller();
  private Agent agent;

  @BeforeEach
  void start() throws Exception {
    api = MockApiServer.start();
    client = api.client();
    agent =
        new Agent(
            new AgentConfig(NODE, Duration.ofMillis(100), Duration.ofMillis(300)),
            api.newClient(),
            puller,
            new AgentMetrics(new PrometheusRegistry()),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    agent.close();
    api.close();
  }

  @Test
  void failuresAreReportedWithTheirReasonAndRemovedEntriesDropTheirElement() throws Exception {
    // The agent starts before the operator has created its NodeImage.
    agent.start();
    assertThat(agent.healthy()).isTrue();
    NodeImageEntry resolve = EntryStatesTest.entry(1, true, null);
    createNodeImage(resolve);

    ScriptedPuller.Job job = puller.await(EntryStates.idOf(resolve));
    job.emit(new PullEvent.PhaseChanged(NodeImagePhase.Resolving));
    awaitElement(resolve.getKey(), s -> s.getPhase() == NodeImagePhase.Resolving);
    job.emit(
        new PullEvent.Failed(
            NodeImagePhase.Resolving, "SecretNotFound", "pull secret apps/nope not found"));
    NodeImageEntryStatus failed =
        awaitElement(resolve.getKey(), s -> s.getPhase() == NodeImagePhase.Failed);
    assertThat(failed.getReason()).isEqualTo("SecretNotFound");
    assertThat(failed.getMessage()).contains("apps/nope");
    assertThat(failed.getUid()).isEqualTo("uid-1");
    assertThat(failed.getAttempt()).isEqualTo(1);
    await().atMost(WAIT).until(() -> job.stopped);

    // The operator retries with attempt 2 and adds a second image.
    NodeImageEntry retry = EntryStatesTest.entry(2, true, null);
    NodeImageEntry other = EntryStatesTest.entry(1, false, null);
    other.setKey("apps/other");
    other.getImagePull().setUid("uid-2");
    setEntries(retry, other);
    ScriptedPuller.Job second = puller.await(EntryStates.idOf(retry));
    ScriptedPuller.Job third = puller.await(EntryStates.idOf(other));
    second.transfer = new Transfer(10, 20, 0, 10);
    second.emit(new PullEvent.PhaseChanged(NodeImagePhase.Pulling));
    NodeImageEntryStatus pulling =
        awaitElement(
            retry.getKey(), s -> s.getAttempt() == 2 && s.getPhase() == NodeImagePhase.Pulling);
    assertThat(pulling.getReason()).isNull();
    await()
        .atMost(WAIT)
        .until(() -> element(retry.getKey()).map(s -> s.getBytesDone() == 10).orElse(false));
    third.emit(new PullEvent.Done());
    awaitElement(other.getKey(), s -> s.getPhase() == NodeImagePhase.Seeding);

    // The first image's entry goes: its job stops and its element is dropped.
    setEntries(other);
    await().atMost(WAIT).until(() -> second.stopped);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(status())
                    .extracting(NodeImageEntryStatus::getKey)
                    .containsExactly("apps/other"));
    assertThat(third.stopped).isFalse();

    // The NodeImage goes: every job stops.
    client.resources(NodeImage.class).withName(NODE).delete();
    await().atMost(WAIT).until(() -> third.stopped);
  }

  @Test
  void progressAloneIsWrittenAtMostOncePerInterval() throws Exception {
    NodeImageEntry e = EntryStatesTest.entry(1, false, null);
    createNodeImage(e);
    agent.start();
    ScriptedPuller.Job job = puller.await(EntryStates.idOf(e));
    job.emit(new PullEvent.PhaseChanged(NodeImagePhase.Pulling));
    awaitElement(e.getKey(), s -> s.getPhase() == NodeImagePhase.Pulling);
    long before = agent.statusWrites();
    long start = System.nanoTime();
    for (int i = 1; i <= 20; i++) {
      job.transfer = new Transfer(i, 100, i, 0);
      Thread.sleep(50);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long writes = agent.statusWrites() - before;
    // One write per 300 ms at most (plus the one already in flight), though progress changed
    // on nearly every 100 ms tick.
    assertThat(writes).isLessThanOrEqualTo((long) Math.ceil(seconds / 0.3) + 1).isPositive();
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

  private List<NodeImageEntryStatus> status() {
    NodeImage ni = client.resources(NodeImage.class).withName(NODE).get();
    return ni == null || ni.getStatus() == null ? List.of() : ni.getStatus().getImages();
  }

  private Optional<NodeImageEntryStatus> element(String key) {
    return status().stream().filter(s -> key.equals(s.getKey())).findFirst();
  }

  private NodeImageEntryStatus awaitElement(
      String key, java.util.function.Predicate<NodeImageEntryStatus> test) {
    return await().atMost(WAIT).until(() -> element(key).filter(test).orElse(null), s -> s != null);
  }
}
