package io.quayctl.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.v1alpha1.ImagePullRef;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.api.v1alpha1.NodeRole;
import io.quayctl.api.v1alpha1.SeedPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryStatesTest {
  private static final String KEY = "apps/app";
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final EntryStates states = new EntryStates(clock);

  @Test
  void aResolverGoesThroughEveryPhaseAndReportsWhatItResolved() {
    NodeImageEntry e = entry(1, true, null);
    List<EntryStates.Command> start = states.onSpec(List.of(e), List.of());
    assertThat(start).containsExactly(new EntryStates.Start(new JobId(KEY, "uid-1", 1), e));
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Pending);

    JobId id = EntryStates.idOf(e);
    states.onEvent(id, new PullEvent.PhaseChanged(NodeImagePhase.Resolving));
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Resolving);
    states.onEvent(id, new PullEvent.PhaseChanged(NodeImagePhase.Pulling));
    states.onTransfer(id, new Transfer(50, 100, 0, 50));
    NodeImageEntryStatus pulling = only();
    assertThat(pulling.getPhase()).isEqualTo(NodeImagePhase.Pulling);
    assertThat(pulling.getBytesDone()).isEqualTo(50);
    assertThat(pulling.getBytesFromRegistry()).isEqualTo(50);
    assertThat(pulling.getResolvedDigest()).isNull();

    Layer layer = new Layer("sha256:" + "a".repeat(64), 100L, "b".repeat(40));
    states.onEvent(id, new PullEvent.Resolved("sha256:" + "c".repeat(64), List.of(layer)));
    states.onEvent(id, new PullEvent.PhaseChanged(NodeImagePhase.Importing));
    assertThat(states.onEvent(id, new PullEvent.Done())).isEmpty();
    NodeImageEntryStatus seeding = only();
    assertThat(seeding.getPhase()).isEqualTo(NodeImagePhase.Seeding);
    assertThat(seeding.getResolvedDigest()).isEqualTo("sha256:" + "c".repeat(64));
    assertThat(seeding.getLayers()).extracting(Layer::getInfohash).containsExactly("b".repeat(40));
    assertThat(seeding.getUid()).isEqualTo("uid-1");
    assertThat(seeding.getAttempt()).isEqualTo(1);

    // No seed duration: seeding lasts while the entry exists.
    clock.advance(Duration.ofDays(30));
    assertThat(states.onTick()).isEmpty();
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Seeding);
  }

  @Test
  void seedingEndsAfterTheSeedDurationAndTheJobIsStopped() {
    NodeImageEntry e = entry(1, false, "90s");
    states.onSpec(List.of(e), List.of());
    JobId id = EntryStates.idOf(e);
    states.onEvent(id, new PullEvent.Done());
    clock.advance(Duration.ofSeconds(89));
    assertThat(states.onTick()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(states.onTick()).containsExactly(new EntryStates.Stop(KEY));
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Complete);
    // Late events of the finished job change nothing.
    states.onEvent(id, new PullEvent.Failed(NodeImagePhase.Pulling, "Late", "late"));
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Complete);
  }

  @Test
  void aFailureIsReportedWithItsReasonAndAHigherAttemptStartsOver() {
    NodeImageEntry first = entry(1, false, null);
    states.onSpec(List.of(first), List.of());
    JobId one = EntryStates.idOf(first);
    List<EntryStates.Command> after =
        states.onEvent(
            one, new PullEvent.Failed(NodeImagePhase.Pulling, "NoPeers", "no peer offers blob x"));
    assertThat(after).containsExactly(new EntryStates.Stop(KEY));
    NodeImageEntryStatus failed = only();
    assertThat(failed.getPhase()).isEqualTo(NodeImagePhase.Failed);
    assertThat(failed.getReason()).isEqualTo("NoPeers");
    assertThat(failed.getMessage()).contains("no peer");

    // The same spec again (e.g. a resync) does not restart a failed attempt.
    assertThat(states.onSpec(List.of(first), List.of())).isEmpty();

    NodeImageEntry second = entry(2, false, null);
    List<EntryStates.Command> retry = states.onSpec(List.of(second), List.of());
    assertThat(retry)
        .containsExactly(
            new EntryStates.Stop(KEY), new EntryStates.Start(new JobId(KEY, "uid-1", 2), second));
    NodeImageEntryStatus fresh = only();
    assertThat(fresh.getPhase()).isEqualTo(NodeImagePhase.Pending);
    assertThat(fresh.getAttempt()).isEqualTo(2);
    assertThat(fresh.getReason()).isNull();
    // Events of the old attempt are stale.
    states.onEvent(one, new PullEvent.Done());
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Pending);
  }

  @Test
  void aSpecUpdateForTheSameAttemptDoesNotRestartTheJob() {
    NodeImageEntry e = entry(1, true, null);
    states.onSpec(List.of(e), List.of());
    NodeImageEntry resolved = entry(1, true, null);
    resolved.setResolvedDigest("sha256:" + "c".repeat(64));
    assertThat(states.onSpec(List.of(resolved), List.of())).isEmpty();
  }

  @Test
  void aRemovedEntryIsStoppedAndItsElementDropped() {
    NodeImageEntry a = entry(1, false, null);
    NodeImageEntry b = entry(1, false, null);
    b.setKey("apps/other");
    b.getImagePull().setUid("uid-2");
    states.onSpec(List.of(a, b), List.of());
    assertThat(states.report()).hasSize(2);
    assertThat(states.onSpec(List.of(b), List.of())).containsExactly(new EntryStates.Stop(KEY));
    assertThat(states.report())
        .extracting(NodeImageEntryStatus::getKey)
        .containsExactly("apps/other");
    assertThat(states.onSpec(List.of(), List.of()))
        .containsExactly(new EntryStates.Stop("apps/other"));
    assertThat(states.report()).isEmpty();
  }

  @Test
  void aRestartedAgentKeepsWhatItsPredecessorReportedForTheSameAttempt() {
    NodeImageEntry e = entry(3, false, null);
    NodeImageEntryStatus seeding = report(e, NodeImagePhase.Seeding);
    seeding.setBytesFromPeers(1000L);
    List<EntryStates.Command> commands = states.onSpec(List.of(e), List.of(seeding));
    // The job runs again (re-checks the blobs, seeds), but the node keeps reporting Seeding.
    assertThat(commands).hasSize(1).first().isInstanceOf(EntryStates.Start.class);
    JobId id = EntryStates.idOf(e);
    states.onEvent(id, new PullEvent.PhaseChanged(NodeImagePhase.Pulling));
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Seeding);
    assertThat(only().getBytesFromPeers()).isEqualTo(1000L);

    EntryStates other = new EntryStates(clock);
    assertThat(other.onSpec(List.of(e), List.of(report(e, NodeImagePhase.Complete)))).isEmpty();
    EntryStates stale = new EntryStates(clock);
    NodeImageEntryStatus old = report(e, NodeImagePhase.Complete);
    old.setAttempt(2);
    assertThat(stale.onSpec(List.of(e), List.of(old))).hasSize(1);
    assertThat(stale.report().get(0).getPhase()).isEqualTo(NodeImagePhase.Pending);
  }

  @Test
  void lastUpdateMovesOnlyWhenTheReportChanges() {
    NodeImageEntry e = entry(1, false, null);
    states.onSpec(List.of(e), List.of());
    String first = only().getLastUpdate();
    clock.advance(Duration.ofSeconds(5));
    assertThat(only().getLastUpdate()).isEqualTo(first);
    states.onTransfer(EntryStates.idOf(e), new Transfer(1, 2, 1, 0));
    assertThat(only().getLastUpdate()).isEqualTo(clock.instant().toString());
  }

  @Test
  void seedDurationsAreGoDurations() {
    assertThat(SeedDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(SeedDurations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(SeedDurations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(SeedDurations.parse("0")).isZero();
    NodeImageEntry zero = entry(1, false, "0s");
    states.onSpec(List.of(zero), List.of());
    assertThat(states.onEvent(EntryStates.idOf(zero), new PullEvent.Done()))
        .containsExactly(new EntryStates.Stop(KEY));
    assertThat(only().getPhase()).isEqualTo(NodeImagePhase.Complete);
  }

  private NodeImageEntryStatus only() {
    List<NodeImageEntryStatus> r = states.report();
    assertThat(r).hasSize(1);
    return r.get(0);
  }

  private static NodeImageEntryStatus report(NodeImageEntry e, NodeImagePhase phase) {
    NodeImageEntryStatus s = new NodeImageEntryStatus();
    s.setKey(e.getKey());
    s.setUid(e.getImagePull().getUid());
    s.setAttempt(e.getAttempt());
    s.setPhase(phase);
    return s;
  }

  static NodeImageEntry entry(int attempt, boolean resolver, String seed) {
    NodeImageEntry e = new NodeImageEntry();
    e.setKey(KEY);
    e.setImagePull(new ImagePullRef("apps", "app", "uid-1"));
    e.setImage("registry.example.com/team/app:1.2");
    e.setPlatform("linux/amd64");
    e.setRole(resolver ? NodeRole.Bastion : NodeRole.Worker);
    e.setResolver(resolver ? Boolean.TRUE : null);
    e.setAttempt(attempt);
    if (seed != null) {
      e.setSeed(new SeedPolicy(seed));
    }
    return e;
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
