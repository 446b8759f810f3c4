package io.quayctl.operator.status;

import static io.quayctl.operator.testing.ClusterFixtures.DIGEST;
import static io.quayctl.operator.testing.ClusterFixtures.LAYERS;
import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeReason;
import io.quayctl.operator.planning.NodeProgress;
import io.quayctl.operator.planning.NodeState;
import io.quayctl.operator.planning.Plan;
import io.quayctl.operator.planning.Problem;
import io.quayctl.operator.planning.Resolution;
import io.quayctl.operator.testing.ClusterFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImagePullStatusAggregatorTest {
  private static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T2 = T1.plus(Duration.ofMinutes(3));
  private static final Resolution RESOLVED =
      new Resolution(
          Resolution.State.RESOLVED,
          "b1",
          DIGEST,
          LAYERS,
          "linux/amd64",
          "Resolved",
          "resolved to " + DIGEST);

  private final ImagePull pull = ClusterFixtures.imagePull("apps", "app");

  @Test
  void countsNodesBytesAndReadyWhilePulling() {
    ImagePullStatus s =
        aggregate(
            plan(
                RESOLVED,
                NodeProgress.of("w1", NodeState.SUCCEEDED),
                NodeProgress.of("w2", NodeState.IN_PROGRESS),
                NodeProgress.of("w3", NodeState.WAITING),
                new NodeProgress("w4", NodeState.FAILED, "Timeout", "no result within 60s")),
            T1);
    assertThat(s.getPhase()).isEqualTo(ImagePullPhase.Pulling);
    assertThat(s.getReady()).isEqualTo("1/4");
    assertThat(List.of(s.getDesired(), s.getPulling(), s.getSucceeded(), s.getFailed()))
        .containsExactly(4, 1, 1, 1);
    assertThat(s.getFailedNodes())
        .extracting(NodeReason::getNode, NodeReason::getReason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("w4", "Timeout"));
    assertThat(s.getBytesFromPeers()).isEqualTo(700L);
    assertThat(s.getBytesFromRegistry()).isEqualTo(300L);
    assertThat(s.getResolvedDigest()).isEqualTo(DIGEST);
    assertThat(s.getStartTime()).isEqualTo(T1.toString());
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
    assertThat(Conditions.isTrue(s.getConditions(), "Progressing")).isTrue();
    assertThat(Conditions.find(s.getConditions(), "Progressing").get().getMessage())
        .isEqualTo("1 of 4 nodes done, 1 pulling, 1 waiting, 1 failed");
  }

  @Test
  void completeKeepsStartAndResolvedTransitionAndSetsCompletionOnce() {
    ImagePullStatus pulling =
        aggregate(plan(RESOLVED, NodeProgress.of("w1", NodeState.IN_PROGRESS)), T1);
    pull.setStatus(pulling);
    ImagePullStatus complete =
        aggregate(plan(RESOLVED, NodeProgress.of("w1", NodeState.SUCCEEDED)), T2);
    assertThat(complete.getPhase()).isEqualTo(ImagePullPhase.Complete);
    assertThat(complete.getStartTime()).isEqualTo(T1.toString());
    assertThat(complete.getCompletionTime()).isEqualTo(T2.toString());
    assertThat(Conditions.find(complete.getConditions(), "Resolved").get().getLastTransitionTime())
        .isEqualTo(T1.toString());
    assertThat(Conditions.find(complete.getConditions(), "Complete").get().getLastTransitionTime())
        .isEqualTo(T2.toString());

    pull.setStatus(complete);
    ImagePullStatus again =
        aggregate(plan(RESOLVED, NodeProgress.of("w1", NodeState.SUCCEEDED)), T2.plusSeconds(60));
    assertThat(again.getCompletionTime()).isEqualTo(T2.toString());
    assertThat(ImagePullEvents.between(complete, again)).isEmpty();
  }

  @Test
  void allNodesTerminalWithFailuresIsFailed() {
    ImagePullStatus s =
        aggregate(
            plan(
                RESOLVED,
                NodeProgress.of("w1", NodeState.SUCCEEDED),
                new NodeProgress("w2", NodeState.FAILED, "Unauthorized", "401")),
            T1);
    assertThat(s.getPhase()).isEqualTo(ImagePullPhase.Failed);
    assertThat(Conditions.find(s.getConditions(), "Failed").get().getReason())
        .isEqualTo("NodesFailed");
    assertThat(Conditions.find(s.getConditions(), "Failed").get().getMessage())
        .contains("w2 (Unauthorized)");
    assertThat(ImagePullEvents.between(new ImagePullStatus(), s))
        .extracting(StatusEvent::reason)
        .contains("NodeFailed", "Failed");
  }

  @Test
  void noBastionIsPendingWithResolvedFalse() {
    Resolution none =
        new Resolution(
            Resolution.State.NO_BASTION,
            null,
            null,
            List.of(),
            null,
            "NoBastion",
            "no node is labelled");
    ImagePullStatus s = aggregate(plan(none, NodeProgress.of("w1", NodeState.WAITING)), T1);
    assertThat(s.getPhase()).isEqualTo(ImagePullPhase.Pending);
    assertThat(s.getReady()).isEqualTo("0/1");
    assertThat(Conditions.find(s.getConditions(), "Resolved").get().getReason())
        .isEqualTo("NoBastion");
    assertThat(Conditions.isTrue(s.getConditions(), "Failed")).isFalse();
    assertThat(s.getStartTime()).isNull();
  }

  @Test
  void aProblemFailsEveryCondition() {
    Plan plan =
        new Plan(
            Optional.of(new Problem("InvalidImage", "bad")),
            new Resolution(
                Resolution.State.NOT_STARTED, null, null, List.of(), null, "InvalidImage", null),
            Map.of(),
            List.of(),
            List.of(),
            0,
            0,
            Optional.empty());
    ImagePullStatus s = ImagePullStatusAggregator.aggregate(pull, plan, T1);
    assertThat(s.getPhase()).isEqualTo(ImagePullPhase.Failed);
    assertThat(s.getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
        .containsExactlyInAnyOrder(
            "Resolved=False/InvalidImage", "Progressing=False/InvalidImage",
            "Complete=False/InvalidImage", "Failed=True/InvalidImage");
  }

  private ImagePullStatus aggregate(Plan plan, Instant now) {
    return ImagePullStatusAggregator.aggregate(pull, plan, now);
  }

  private static Plan plan(Resolution r, NodeProgress... targets) {
    Map<String, NodeImageEntry> entries =
        r.state() == Resolution.State.RESOLVED ? Map.of("b1", new NodeImageEntry()) : Map.of();
    return new Plan(
        Optional.empty(), r, entries, List.of(targets), List.of(), 700, 300, Optional.empty());
  }
}
