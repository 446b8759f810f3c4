package io.quayctl.store;

import io.quayctl.api.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which stored files to delete so that the store fits its limit: a pure function over a listing.
 *
 * <p>Every file counts towards the usage, partial downloads included. Only files whose digest is
 * not in use may go, least recently used first, until the rest fits: a verified blob at any age, a
 * partial download only once it has not been written for {@link #STALE_PARTIAL} (a younger one may
 * belong to a download of another process on the same data directory, or be resumed soon). When the
 * files in use alone exceed the limit, every other eligible file goes and the plan reports the
 * shortfall; nothing in use is ever chosen.
 */
public final class Eviction {

  /** How long a partial download must have been left alone before it may be evicted. */
  public static final Duration STALE_PARTIAL = Duration.ofHours(24);

  private static final Comparator<StoredBlob> LEAST_RECENTLY_USED =
      Comparator.comparing(StoredBlob::lastUse)
          .thenComparing(StoredBlob::size, Comparator.reverseOrder())
          .thenComparing(b -> b.path().toString());

  private Eviction() {}

  /**
   * What to delete.
   *
   * @param evict the files to delete, in the order chosen (least recently used first)
   * @param usedBytes bytes of every listed file
   * @param keptBytes bytes left once {@code evict} is gone
   * @param limitBytes the limit planned for
   */
  public record Plan(List<StoredBlob> evict, long usedBytes, long keptBytes, long limitBytes) {
    public Plan {
      evict = List.copyOf(evict);
    }

    /** Bytes the plan frees. */
    public long evictedBytes() {
      return usedBytes - keptBytes;
    }

    /** Bytes still over the limit after the plan: what files in use (or young partials) hold. */
    public long shortfall() {
      return Math.max(0, keptBytes - limitBytes);
    }
  }

  /** {@link #select(List, Set, long, Instant, Duration)} with {@link #STALE_PARTIAL}. */
  public static Plan select(
      List<StoredBlob> stored, Set<Digest> inUse, long limitBytes, Instant now) {
    return select(stored, inUse, limitBytes, now, STALE_PARTIAL);
  }

  /**
   * Chooses files to delete so that at most {@code limitBytes} remain, never one whose digest is in
   * {@code inUse}, and a partial download only when it is older than {@code stalePartial} at {@code
   * now}. Nothing is chosen while the store fits.
   */
  public static Plan select(
      List<StoredBlob> stored,
      Set<Digest> inUse,
      long limitBytes,
      Instant now,
      Duration stalePartial) {
    if (limitBytes < 0) {
      throw new IllegalArgumentException("negative store limit " + limitBytes);
    }
    long used = 0;
    for (StoredBlob b : stored) {
      used += b.size();
    }
    if (used <= limitBytes) {
      return new Plan(List.of(), used, used, limitBytes);
    }
    Instant staleBefore = now.minus(stalePartial);
    List<StoredBlob> candidates = new ArrayList<>();
    for (StoredBlob b : stored) {
      if (inUse.contains(b.digest())) {
        continue;
      }
      if (b.kind() == StoredBlob.Kind.PARTIAL && b.lastUse().isAfter(staleBefore)) {
        continue;
      }
      candidates.add(b);
    }
    candidates.sort(LEAST_RECENTLY_USED);
    List<StoredBlob> evict = new ArrayList<>();
    long kept = used;
    for (StoredBlob b : candidates) {
      if (kept <= limitBytes) {
        break;
      }
      evict.add(b);
      kept -= b.size();
    }
    return new Plan(evict, used, kept, limitBytes);
  }
}
