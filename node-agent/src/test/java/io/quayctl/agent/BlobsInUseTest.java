package io.quayctl.agent;

import static io.quayctl.agent.EntryStatesTest.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.agent.EntryStatesTest.MutableClock;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which blobs the entries of the spec protect from eviction ({@link EntryStates#blobsInUse}). */
class BlobsInUseTest {
  private static final String CONFIG = "sha256:" + "c".repeat(64);
  private static final String LAYER = "sha256:" + "1".repeat(64);
  private static final String OTHER = "sha256:" + "2".repeat(64);

  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final EntryStates states = new EntryStates(clock);

  private static NodeImageEntry second() {
    NodeImageEntry e = entry(1, false, null);
    e.setKey("apps/other");
    e.getImagePull().setUid("uid-2");
    return e;
  }

  @Test
  void nothingMayGoWhileAWorkingEntryHasNotResolvedItsImage() {
    NodeImageEntry e = entry(1, false, null);
    states.onSpec(List.of(e), List.of());
    JobId id = EntryStates.idOf(e);
    assertThat(states.blobsInUse()).isEmpty();
    states.onEvent(id, new PullEvent.PhaseChanged(NodeImagePhase.Pulling));
    states.onBlobs(id, Set.of());
    assertThat(states.blobsInUse()).isEmpty();

    states.onBlobs(id, Set.of(CONFIG, LAYER));
    assertThat(states.blobsInUse()).contains(Set.of(CONFIG, LAYER));
  }

  @Test
  void entriesKeepTheirBlobsInUseInEveryPhaseUntilTheyLeaveTheSpec() {
    NodeImageEntry done = entry(1, false, "0s");
    NodeImageEntry failed = second();
    states.onSpec(List.of(done, failed), List.of());
    states.onBlobs(EntryStates.idOf(done), Set.of(CONFIG, LAYER));
    states.onEvent(EntryStates.idOf(done), new PullEvent.Done());
    states.onBlobs(EntryStates.idOf(failed), Set.of(OTHER));
    states.onEvent(
        EntryStates.idOf(failed),
        new PullEvent.Failed(NodeImagePhase.Importing, "ImportFailed", "no space"));
    assertThat(states.phase(done.getKey())).contains(NodeImagePhase.Complete);
    assertThat(states.phase(failed.getKey())).contains(NodeImagePhase.Failed);

    // Complete and Failed entries still exist: their blobs stay in use.
    assertThat(states.blobsInUse()).contains(Set.of(CONFIG, LAYER, OTHER));

    states.onSpec(List.of(failed), List.of());
    assertThat(states.blobsInUse()).contains(Set.of(OTHER));
    states.onSpec(List.of(), List.of());
    assertThat(states.blobsInUse()).contains(Set.of());
  }

  @Test
  void anEntryThatFailedBeforeResolvingHoldsNothingAndBlocksNothing() {
    NodeImageEntry e = entry(1, false, null);
    states.onSpec(List.of(e), List.of());
    states.onEvent(
        EntryStates.idOf(e),
        new PullEvent.Failed(NodeImagePhase.Pending, "SecretNotFound", "no secret"));
    assertThat(states.blobsInUse()).contains(Set.of());
  }

  @Test
  void aNewAttemptWaitsForItsOwnImageBeforeAnythingMayGo() {
    NodeImageEntry first = entry(1, false, null);
    states.onSpec(List.of(first), List.of());
    states.onBlobs(EntryStates.idOf(first), Set.of(CONFIG));
    states.onEvent(
        EntryStates.idOf(first), new PullEvent.Failed(NodeImagePhase.Pulling, "NoPeers", "x"));
    assertThat(states.blobsInUse()).contains(Set.of(CONFIG));

    NodeImageEntry retry = entry(2, false, null);
    states.onSpec(List.of(retry), List.of());
    assertThat(states.blobsInUse()).isEmpty();
    // A late report of the old attempt is not taken for the new one.
    states.onBlobs(EntryStates.idOf(first), Set.of(CONFIG));
    assertThat(states.blobsInUse()).isEmpty();
  }

  @Test
  void anEntryRestoredAsCompleteProtectsTheLayersItReported() {
    NodeImageEntry e = entry(1, false, null);
    NodeImageEntryStatus complete = new NodeImageEntryStatus();
    complete.setKey(e.getKey());
    complete.setUid(e.getImagePull().getUid());
    complete.setAttempt(1);
    complete.setPhase(NodeImagePhase.Complete);
    complete.setLayers(List.of(new Layer(LAYER, 10L, null)));
    assertThat(states.onSpec(List.of(e), List.of(complete))).isEmpty();

    assertThat(states.blobsInUse()).isEqualTo(Optional.of(Set.of(LAYER)));
  }
}
