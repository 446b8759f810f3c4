package io.quayctl.agent;

import io.quayctl.api.Digest;
import io.quayctl.store.EvictableStore;
import io.quayctl.store.Eviction;
import io.quayctl.store.StoredBlob;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the blob store within {@code --store-limit}: records the uses of the blobs in use, asks
 * {@link Eviction} what may go, stops seeding each of those and deletes it. Called on the agent's
 * loop thread with the set of blobs the NodeImage's entries need, so no job can start using a blob
 * between the choice and the deletion.
 */
public final class BlobEvictor {
  private static final Logger log = LoggerFactory.getLogger(BlobEvictor.class);

  /** How often the store is checked when nothing else asks for it. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  /**
   * What one run found and did.
   *
   * @param storeBytes bytes the store holds afterwards
   * @param evictedBytes bytes deleted
   * @param evictedFiles files deleted
   * @param shortfall bytes still over the limit, held by blobs in use or young partial downloads
   */
  record Result(long storeBytes, long evictedBytes, int evictedFiles, long shortfall) {}

  private final EvictableStore store;
  private final Consumer<Digest> stopSeeding;
  private final long limitBytes;
  private final Duration interval;
  private final Clock clock;
  private long lastShortfall;

  /**
   * An evictor (no I/O until run).
   *
   * @param store the node's blob store
   * @param stopSeeding stops the torrent engine serving a blob ({@code TorrentEngine::remove}),
   *     called before its file is deleted
   * @param limitBytes the most the store may hold
   * @param interval how often the agent runs it when nothing else asks for it
   */
  public BlobEvictor(
      EvictableStore store,
      Consumer<Digest> stopSeeding,
      long limitBytes,
      Duration interval,
      Clock clock) {
    if (limitBytes < 0) {
      throw new IllegalArgumentException("negative store limit " + limitBytes);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the eviction interval must be positive, was " + interval);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.stopSeeding = Objects.requireNonNull(stopSeeding, "stopSeeding");
    this.limitBytes = limitBytes;
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The most the store may hold. */
  long limitBytes() {
    return limitBytes;
  }

  /** How often the agent runs it when nothing else asks for it. */
  Duration interval() {
    return interval;
  }

  /**
   * Brings the store within its limit without touching a blob in {@code inUse} (their partial
   * downloads included), and marks those as used now so that, once no entry needs them, they are
   * ordered by when they last were.
   */
  Result run(Set<Digest> inUse) throws IOException {
    List<StoredBlob> stored = store.list();
    for (StoredBlob b : stored) {
      if (b.kind() == StoredBlob.Kind.BLOB && inUse.contains(b.digest())) {
        try {
          store.touch(b.digest());
        } catch (IOException e) {
          log.debug("cannot record the use of {}: {}", b.digest(), e.toString());
        }
      }
    }
    Instant now = clock.instant();
    Eviction.Plan plan = Eviction.select(stored, inUse, limitBytes, now);
    long kept = plan.usedBytes();
    long evictedBytes = 0;
    int evictedFiles = 0;
    for (StoredBlob b : plan.evict()) {
      try {
        stopSeeding.accept(b.digest());
        store.delete(b);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot evict {} {}: {}", kind(b), b.digest(), e.toString());
        continue;
      }
      kept -= b.size();
      evictedBytes += b.size();
      evictedFiles++;
      log.info(
          "evicted {} {} ({} bytes, last used {}): no NodeImage entry of this node needs it and"
              + " the store held {} bytes, over its limit of {}",
          kind(b),
          b.digest(),
          b.size(),
          b.lastUse(),
          plan.usedBytes(),
          limitBytes);
    }
    long shortfall = Math.max(0, kept - limitBytes);
    if (evictedFiles > 0) {
      log.info(
          "store: evicted {} files ({} bytes); {} of {} bytes used",
          evictedFiles,
          evictedBytes,
          kept,
          limitBytes);
    }
    if (shortfall > 0 && lastShortfall == 0) {
      log.warn(
          "store holds {} bytes, {} over its limit of {}: the rest is needed by NodeImage entries"
              + " of this node or is being downloaded; pulls go on over the limit",
          kept,
          shortfall,
          limitBytes);
    } else if (shortfall == 0 && lastShortfall > 0) {
      log.info("store back within its limit: {} of {} bytes used", kept, limitBytes);
    }
    lastShortfall = shortfall;
    return new Result(kept, evictedBytes, evictedFiles, shortfall);
  }

  private static String kind(StoredBlob b) {
    return b.kind() == StoredBlob.Kind.BLOB ? "blob" : "partial download of";
  }
}
