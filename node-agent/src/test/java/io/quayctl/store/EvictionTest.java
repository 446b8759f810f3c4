package io.quayctl.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.Digest;
import io.quayctl.store.StoredBlob.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvictionTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private static Digest digest(char c) {
    return Digest.parse("sha256:" + String.valueOf(c).repeat(64));
  }

  private static StoredBlob blob(char c, long size, Duration ago) {
    return new StoredBlob(
        digest(c), Kind.BLOB, size, NOW.minus(ago), Path.of("/s/blobs/sha256/" + c));
  }

  private static StoredBlob partial(char c, long size, Duration ago) {
    return new StoredBlob(
        digest(c), Kind.PARTIAL, size, NOW.minus(ago), Path.of("/s/partial/" + c));
  }

  private static List<Digest> chosen(Eviction.Plan plan) {
    return plan.evict().stream().map(StoredBlob::digest).toList();
  }

  @Test
  void nothingGoesWhileTheStoreFits() {
    List<StoredBlob> stored =
        List.of(blob('a', 40, Duration.ofDays(9)), blob('b', 60, Duration.ofDays(8)));
    Eviction.Plan plan = Eviction.select(stored, Set.of(), 100, NOW);
    assertThat(plan.evict()).isEmpty();
    assertThat(plan.usedBytes()).isEqualTo(100);
    assertThat(plan.shortfall()).isZero();
  }

  @Test
  void leastRecentlyUsedGoFirstUntilTheRestFits() {
    List<StoredBlob> stored =
        List.of(
            blob('a', 30, Duration.ofMinutes(1)),
            blob('b', 30, Duration.ofDays(3)),
            blob('c', 30, Duration.ofHours(2)),
            blob('d', 30, Duration.ofDays(1)));
    Eviction.Plan plan = Eviction.select(stored, Set.of(), 70, NOW);
    // 120 bytes, limit 70: the two oldest (b, then d) bring it to 60; c and a stay.
    assertThat(chosen(plan)).containsExactly(digest('b'), digest('d'));
    assertThat(plan.keptBytes()).isEqualTo(60);
    assertThat(plan.evictedBytes()).isEqualTo(60);
    assertThat(plan.shortfall()).isZero();
  }

  @Test
  void blobsInUseStayHoweverOld() {
    List<StoredBlob> stored =
        List.of(
            blob('a', 50, Duration.ofDays(30)),
            blob('b', 50, Duration.ofDays(1)),
            blob('c', 50, Duration.ofMinutes(5)));
    Eviction.Plan plan = Eviction.select(stored, Set.of(digest('a')), 100, NOW);
    assertThat(chosen(plan)).containsExactly(digest('b'));
    assertThat(plan.keptBytes()).isEqualTo(100);
  }

  @Test
  void whenBlobsInUseAloneExceedTheLimitEveryOtherGoesAndTheShortfallIsReported() {
    List<StoredBlob> stored =
        List.of(
            blob('a', 80, Duration.ofDays(2)),
            blob('b', 50, Duration.ofDays(1)),
            blob('c', 10, Duration.ofDays(5)),
            partial('d', 40, Duration.ofSeconds(3)));
    Eviction.Plan plan = Eviction.select(stored, Set.of(digest('a'), digest('d')), 100, NOW);
    assertThat(chosen(plan)).containsExactly(digest('c'), digest('b'));
    assertThat(plan.keptBytes()).isEqualTo(120);
    assertThat(plan.shortfall()).isEqualTo(20);
  }

  @Test
  void partialDownloadsCountButOnlyStaleOnesNotInUseMayGo() {
    Duration stale = Eviction.STALE_PARTIAL.plusMinutes(1);
    List<StoredBlob> stored =
        List.of(
            partial('a', 100, Duration.ofHours(1)),
            partial('b', 100, stale),
            partial('c', 100, stale.plusDays(3)),
            blob('d', 100, Duration.ofHours(30)));
    // In use: c is being downloaded (its partial is old because the swarm stalled).
    Eviction.Plan plan = Eviction.select(stored, Set.of(digest('c')), 100, NOW);
    // Oldest first: b (25 h) goes, and d (30 h); a is too young, c in use.
    assertThat(chosen(plan)).containsExactly(digest('d'), digest('b'));
    assertThat(plan.usedBytes()).isEqualTo(400);
    assertThat(plan.shortfall()).isEqualTo(100);
  }

  @Test
  void aPartialOfABlobInUseStaysAsDoesTheBlob() {
    Duration old = Duration.ofDays(10);
    List<StoredBlob> stored = List.of(blob('a', 10, old), partial('a', 10, old));
    Eviction.Plan plan = Eviction.select(stored, Set.of(digest('a')), 0, NOW);
    assertThat(plan.evict()).isEmpty();
    assertThat(plan.shortfall()).isEqualTo(20);
  }

  @Test
  void aLimitOfZeroEvictsEverythingNotInUse() {
    List<StoredBlob> stored =
        List.of(blob('a', 1, Duration.ofDays(1)), blob('b', 2, Duration.ofDays(2)));
    Eviction.Plan plan = Eviction.select(stored, Set.of(), 0, NOW);
    assertThat(chosen(plan)).containsExactly(digest('b'), digest('a'));
    assertThat(plan.keptBytes()).isZero();
  }

  @Test
  void amongEquallyOldBlobsTheLargerGoesFirst() {
    Duration same = Duration.ofDays(1);
    List<StoredBlob> stored = List.of(blob('a', 10, same), blob('b', 90, same), blob('c', 5, same));
    Eviction.Plan plan = Eviction.select(stored, Set.of(), 20, NOW);
    assertThat(chosen(plan)).containsExactly(digest('b'));
  }

  @Test
  void aNegativeLimitIsRefused() {
    assertThatThrownBy(() -> Eviction.select(List.of(), Set.of(), -1, NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
