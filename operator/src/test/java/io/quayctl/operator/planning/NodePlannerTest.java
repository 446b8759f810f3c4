package io.quayctl.operator.planning;

import static io.quayctl.operator.testing.ClusterFixtures.DIGEST;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.api.v1alpha1.NodeRole;
import io.quayctl.api.v1alpha1.SeedPolicy;
import io.quayctl.operator.testing.ClusterFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodePlannerTest {
  private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
  private static final Map<String, String> WORKERS = Map.of("pool", "workers");

  private final List<Node> nodes = new ArrayList<>();
  private final List<NodeImage> nodeImages = new ArrayList<>();
  private final ImagePull pull = ClusterFixtures.imagePull("apps", "app");

  private Plan plan() {
    return plan(PlanDefaults.NONE);
  }

  private Plan plan(PlanDefaults defaults) {
    return NodePlanner.plan(new PlanInput(pull, nodes, nodeImages, defaults, NOW));
  }

  @Test
  void withoutABastionNothingIsHandedOutAndTheReasonSaysWhy() {
    nodes.add(ClusterFixtures.node("w1", WORKERS));
    Plan plan = plan();
    assertThat(plan.resolution().state()).isEqualTo(Resolution.State.NO_BASTION);
    assertThat(plan.resolution().message()).contains("quayctl.io/bastion=true");
    assertThat(plan.entries()).isEmpty();
    assertThat(plan.targets()).extracting(NodeProgress::state).containsExactly(NodeState.WAITING);
  }

  @Test
  void aNotReadyBastionIsNamedInTheReason() {
    nodes.add(ClusterFixtures.notReady("b1", Map.of(NodeFacts.BASTION_LABEL, "true")));
    assertThat(plan().resolution().message()).contains("b1 (NotReady)");
  }

  @Test
  void theBastionResolvesFirstAndNoWorkerGetsAnEntry() {
    nodes.add(ClusterFixtures.bastion("b1"));
    nodes.add(ClusterFixtures.node("w1", WORKERS));
    Plan plan = plan();
    assertThat(plan.resolution().state()).isEqualTo(Resolution.State.RESOLVING);
    assertThat(plan.entries()).containsOnlyKeys("b1");
    NodeImageEntry e = plan.entries().get("b1");
    assertThat(e.getResolver()).isTrue();
    assertThat(e.getRole()).isEqualTo(NodeRole.Bastion);
    assertThat(e.getImportToRuntime()).isFalse();
    assertThat(e.getAttempt()).isEqualTo(1);
    assertThat(e.getAssignedTime()).isEqualTo(NOW.toString());
    assertThat(e.getImagePull().getUid()).isEqualTo("uid-app");
  }

  @Test
  void theResolversReportCarriesDigestAndLayersIntoItsEntry() {
    nodes.add(ClusterFixtures.bastion("b1"));
    NodeImageEntry resolving = plan().entries().get("b1");
    nodeImages.add(
        ClusterFixtures.withStatus(
            ClusterFixtures.nodeImage("b1", resolving),
            ClusterFixtures.report(resolving, NodeImagePhase.Pulling)));
    Plan plan = plan();
    assertThat(plan.resolution().state()).isEqualTo(Resolution.State.RESOLVED);
    assertThat(plan.entries().get("b1").getResolvedDigest()).isEqualTo(DIGEST);
    assertThat(plan.entries().get("b1").getLayers()).hasSize(2);
  }

  @Test
  void infohashesReportedAfterTheDigestReachEntriesAndStatus() {
    nodes.add(ClusterFixtures.bastion("b1"));
    nodes.add(ClusterFixtures.node("w1", WORKERS));
    NodeImageEntry resolving = plan().entries().get("b1");
    // First the digest alone, as the resolver reports it before fetching the blobs.
    NodeImageEntryStatus early = ClusterFixtures.report(resolving, NodeImagePhase.Pulling);
    early.setLayers(
        ClusterFixtures.LAYERS.stream()
            .map(l -> new Layer(l.getDigest(), l.getSize(), null))
            .toList());
    nodeImages.add(ClusterFixtures.withStatus(ClusterFixtures.nodeImage("b1", resolving), early));
    NodeImageEntry resolved = plan().entries().get("b1");
    assertThat(resolved.getLayers()).extracting(Layer::getInfohash).containsOnlyNulls();

    // Then the infohashes, in a later status write of the same attempt.
    nodeImages.clear();
    nodeImages.add(
        ClusterFixtures.withStatus(
            ClusterFixtures.nodeImage("b1", resolved),
            ClusterFixtures.report(resolved, NodeImagePhase.Seeding)));
    Plan plan = plan();
    String[] infohashes =
        ClusterFixtures.LAYERS.stream().map(Layer::getInfohash).toArray(String[]::new);
    assertThat(plan.resolution().layers())
        .extracting(Layer::getInfohash)
        .containsExactly(infohashes);
    assertThat(plan.entries().get("b1").getLayers())
        .extracting(Layer::getInfohash)
        .containsExactly(infohashes);
    assertThat(plan.entries().get("b1").getAttempt()).isEqualTo(resolved.getAttempt());
  }

  @Test
  void percentParallelismLimitsTheWorkersInFlight() {
    nodes.add(ClusterFixtures.bastion("b1"));
    for (int i = 1; i <= 8; i++) {
      nodes.add(ClusterFixtures.node("w" + i, WORKERS));
    }
    pull.getSpec().setParallelism(new IntOrString("25%"));
    resolvedOn("b1");
    Plan plan = plan();
    assertThat(plan.entries()).containsOnlyKeys("b1", "w1", "w2");
    assertThat(plan.entries().get("w1").getResolvedDigest()).isEqualTo(DIGEST);
    assertThat(plan.entries().get("w1").getRole()).isEqualTo(NodeRole.Worker);
    assertThat(plan.targets()).filteredOn(p -> p.state() == NodeState.WAITING).hasSize(6);

    // w1 finishes: its slot goes to the next node by name.
    add("w1", plan.entries().get("w1"), NodeImagePhase.Complete);
    add("w2", plan.entries().get("w2"), NodeImagePhase.Pulling);
    Plan next = plan();
    assertThat(next.entries()).containsOnlyKeys("b1", "w1", "w2", "w3");
  }

  @Test
  void aFailureIsRetriedUpToBackoffLimitThenTheNodeFails() {
    nodes.add(ClusterFixtures.bastion("b1"));
    nodes.add(ClusterFixtures.node("w1", WORKERS));
    pull.getSpec().setBackoffLimit(1);
    resolvedOn("b1");
    NodeImageEntry first = plan().entries().get("w1");
    add("w1", first, failed(first));

    Plan retry = plan();
    NodeImageEntry second = retry.entries().get("w1");
    assertThat(second.getAttempt()).isEqualTo(2);
    assertThat(retry.targets())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.state()).isEqualTo(NodeState.IN_PROGRESS);
              assertThat(p.message()).contains("retrying");
            });

    nodeImages.removeIf(ni -> ni.getMetadata().getName().equals("w1"));
    add("w1", second, failed(second));
    Plan given = plan();
    assertThat(given.entries().get("w1").getAttempt()).isEqualTo(2);
    assertThat(given.targets())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.state()).isEqualTo(NodeState.FAILED);
              assertThat(p.reason()).isEqualTo("BlobDigestMismatch");
              assertThat(p.message()).contains("attempt 2 of 2");
            });
  }

  @Test
  void aTimedOutNodeIsRetriedAndTheNextDeadlineIsRechecked() {
    nodes.add(ClusterFixtures.bastion("b1"));
    nodes.add(ClusterFixtures.node("w1", WORKERS));
    pull.getSpec().setTimeoutSeconds(60L);
    resolvedOn("b1");
    NodeImageEntry slow = plan().entries().get("w1");
    slow.setAssignedTime(NOW.minusSeconds(61).toString());
    add("w1", slow, NodeImagePhase.Pulling);

    Plan plan = plan();
    assertThat(plan.entries().get("w1").getAttempt()).isEqualTo(2);
    assertThat(plan.targets())
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("Timeout"));
    assertThat(plan.recheckAfter()).hasValue(Duration.ofSeconds(60));
  }

  @Test
  void aReportForAnotherUidOrAnOlderAttemptIsIgnored() {
    nodes.add(ClusterFixtures.bastion("b1"));
    nodes.add(ClusterFixtures.node("w1", WORKERS));
    resolvedOn("b1");
    NodeImageEntry entry = plan().entries().get("w1");
    entry.setAttempt(2);
    NodeImageEntryStatus stale = ClusterFixtures.report(entry, NodeImagePhase.Complete);
    stale.setAttempt(1);
    nodeImages.add(ClusterFixtures.withStatus(ClusterFixtures.nodeImage("w1", entry), stale));
    assertThat(plan().targets())
        .singleElement()
        .satisfies(p -> assertThat(p.state()).isEqualTo(NodeState.IN_PROGRESS));

    stale.setAttempt(2);
    stale.setUid("uid-of-a-deleted-pull");
    assertThat(plan().targets())
        .singleElement()
        .satisfies(p -> assertThat(p.state()).isEqualTo(NodeState.IN_PROGRESS));
  }

  @Test
  void nodesOfAnotherPlatformAreSkippedUnlessSpecNamesOne() {
    nodes.add(ClusterFixtures.bastion("b1"));
    Node arm = ClusterFixtures.node("arm1", WORKERS);
    arm.getMetadata().getLabels().put("kubernetes.io/arch", "arm64");
    nodes.add(arm);
    resolvedOn("b1");
    Plan plan = plan();
    assertThat(plan.targets()).isEmpty();
    assertThat(plan.skipped())
        .singleElement()
        .satisfies(s -> assertThat(s.getReason()).isEqualTo("PlatformMismatch"));
  }

  @Test
  void anInvalidSpecIsAProblemAndRemovesEveryEntry() {
    nodes.add(ClusterFixtures.bastion("b1"));
    resolvedOn("b1");
    pull.getSpec().setImage("Team/App");
    Plan plan = plan();
    assertThat(plan.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo("InvalidImage");
              assertThat(p.message()).contains("\"Team/App\"", "uppercase letters in \"Team\"");
            });
    assertThat(plan.entries()).isEmpty();
  }

  @Test
  void pullSecretsGoToBastionsOnlyAndAreNotCheckedHere() {
    nodes.add(ClusterFixtures.bastion("b1"));
    nodes.add(ClusterFixtures.node("w1", Map.of("pool", "workers")));
    pull.getSpec().setPullSecrets(List.of("regcred"));
    Plan plan = plan();
    assertThat(plan.problem()).isEmpty();
    assertThat(plan.entries().get("b1").getPullSecrets())
        .extracting(s -> s.getNamespace() + "/" + s.getName())
        .containsExactly("apps/regcred");
    resolvedOn("b1");
    assertThat(plan().entries().get("w1").getPullSecrets()).isEmpty();
  }

  @Test
  void defaultsApplyWhereTheImagePullIsSilent() {
    nodes.add(ClusterFixtures.node("e1", Map.of("example.com/egress", "allowed")));
    nodes.add(ClusterFixtures.node("w1", Map.of("pool", "workers")));
    PlanDefaults defaults =
        new PlanDefaults(
            BastionSelector.parse("example.com/egress=allowed"),
            List.of("http://tracker.quayctl.svc:6969/announce"),
            "30m",
            null);
    NodeImageEntry resolver = plan(defaults).entries().get("e1");
    assertThat(resolver.getResolver()).isTrue();
    assertThat(resolver.getRole()).isEqualTo(NodeRole.Bastion);
    assertThat(resolver.getTrackers()).containsExactly("http://tracker.quayctl.svc:6969/announce");
    assertThat(resolver.getSeed().getDuration()).isEqualTo("30m");

    pull.getSpec().setTrackers(List.of("http://own:6969/announce"));
    pull.getSpec().setSeed(new SeedPolicy("5m"));
    NodeImageEntry own = plan(defaults).entries().get("e1");
    assertThat(own.getTrackers()).containsExactly("http://own:6969/announce");
    assertThat(own.getSeed().getDuration()).isEqualTo("5m");
  }

  /** Makes {@code bastion}'s NodeImage hold a resolved resolver entry. */
  private void resolvedOn(String bastion) {
    NodeImageEntry entry = plan().entries().get(bastion);
    NodeImageEntryStatus report = ClusterFixtures.report(entry, NodeImagePhase.Seeding);
    entry.setResolvedDigest(report.getResolvedDigest());
    entry.setLayers(report.getLayers());
    nodeImages.add(ClusterFixtures.withStatus(ClusterFixtures.nodeImage(bastion, entry), report));
  }

  private void add(String node, NodeImageEntry entry, NodeImagePhase phase) {
    add(node, entry, ClusterFixtures.report(entry, phase));
  }

  private void add(String node, NodeImageEntry entry, NodeImageEntryStatus report) {
    nodeImages.add(ClusterFixtures.withStatus(ClusterFixtures.nodeImage(node, entry), report));
  }

  private static NodeImageEntryStatus failed(NodeImageEntry entry) {
    NodeImageEntryStatus s = ClusterFixtures.report(entry, NodeImagePhase.Failed);
    s.setReason("BlobDigestMismatch");
    s.setMessage("layer did not verify");
    return s;
  }
}
