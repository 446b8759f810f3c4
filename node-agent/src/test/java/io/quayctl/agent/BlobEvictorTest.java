package io.quayctl.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.agent.EntryStatesTest.MutableClock;
import io.quayctl.api.Digest;
import io.quayctl.store.FileBlobStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evictor over a real store on disk, with the torrent engine replaced by a recorder. */
class BlobEvictorTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
  private final List<Digest> stoppedSeeding = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private int blobs;

  @TempDir Path tmp;
  private FileBlobStore store;

  @BeforeEach
  void open() throws Exception {
    store = FileBlobStore.open(tmp, clock);
  }

  private BlobEvictor evictor(long limit) {
    return new BlobEvictor(
        store,
        d -> {
          stoppedSeeding.add(d);
          events.add("stop " + d.shortHex() + (store.contains(d) ? " present" : " absent"));
        },
        limit,
        Duration.ofMinutes(1),
        clock);
  }

  private Digest put(int size, Duration ago) throws Exception {
    byte[] b = new byte[size];
    new Random(++blobs).nextBytes(b);
    Digest d = Digest.of(b);
    Path p = store.write(d, new ByteArrayInputStream(b));
    Files.setLastModifiedTime(p, FileTime.from(clock.instant().minus(ago)));
    return d;
  }

  @Test
  void evictsTheLeastRecentlyUsedBlobsNoEntryNeedsAndStopsSeedingEachFirst() throws Exception {
    Digest old = put(400, Duration.ofDays(3));
    Digest older = put(300, Duration.ofDays(4));
    Digest recent = put(200, Duration.ofHours(1));
    Digest needed = put(500, Duration.ofDays(30));

    BlobEvictor.Result r = evictor(1000).run(Set.of(needed));

    // 1400 bytes, limit 1000: older (300) then old (400) go; recent and needed stay.
    assertThat(store.contains(older)).isFalse();
    assertThat(store.contains(old)).isFalse();
    assertThat(store.contains(recent)).isTrue();
    assertThat(store.contains(needed)).isTrue();
    assertThat(stoppedSeeding).containsExactly(older, old);
    // Seeding stopped while the file was still there, i.e. before the delete.
    assertThat(events).allMatch(e -> e.endsWith(" present"));
    assertThat(r.evictedBytes()).isEqualTo(700);
    assertThat(r.evictedFiles()).isEqualTo(2);
    assertThat(r.storeBytes()).isEqualTo(700);
    assertThat(r.shortfall()).isZero();
  }

  @Test
  void aBlobInUseIsMarkedUsedSoItOutlivesOlderOnesOnceNoLongerNeeded() throws Exception {
    Digest wasNeeded = put(100, Duration.ofDays(30));
    Digest idle = put(100, Duration.ofDays(2));
    BlobEvictor evictor = evictor(1000);

    evictor.run(Set.of(wasNeeded));
    clock.advance(Duration.ofMinutes(5));
    put(900, Duration.ZERO);
    evictor.run(Set.of());

    // Its file was 30 days old, but it was in use five minutes ago; the idle one goes.
    assertThat(store.contains(wasNeeded)).isTrue();
    assertThat(store.contains(idle)).isFalse();
  }

  @Test
  void whenBlobsInUseExceedTheLimitTheRestGoesAndTheShortfallIsReported() throws Exception {
    Digest a = put(600, Duration.ofDays(1));
    Digest b = put(600, Duration.ofDays(1));
    Digest spare = put(50, Duration.ofDays(1));
    Digest downloading = Digest.of(new byte[] {1, 2, 3});
    Files.write(store.partialPath(downloading), new byte[70]);

    BlobEvictor.Result r = evictor(1000).run(Set.of(a, b, downloading));

    assertThat(store.contains(spare)).isFalse();
    assertThat(store.contains(a) && store.contains(b)).isTrue();
    assertThat(store.partialPath(downloading)).exists();
    assertThat(r.storeBytes()).isEqualTo(1270);
    assertThat(r.shortfall()).isEqualTo(270);
  }

  @Test
  void aStalePartialDownloadGoesButAFreshOneStays() throws Exception {
    Digest stale = Digest.of(new byte[] {1});
    Digest fresh = Digest.of(new byte[] {2});
    Path stalePath = Files.write(store.partialPath(stale), new byte[500]);
    Files.setLastModifiedTime(stalePath, FileTime.from(clock.instant().minus(Duration.ofDays(2))));
    Files.write(store.partialPath(fresh), new byte[500]);
    Files.setLastModifiedTime(
        store.partialPath(fresh), FileTime.from(clock.instant().minus(Duration.ofHours(3))));

    BlobEvictor.Result r = evictor(100).run(Set.of());

    assertThat(stalePath).doesNotExist();
    assertThat(store.partialPath(fresh)).exists();
    assertThat(r.shortfall()).isEqualTo(400);
  }

  @Test
  void nothingHappensWithinTheLimit() throws Exception {
    Digest a = put(100, Duration.ofDays(100));
    BlobEvictor.Result r = evictor(100).run(Set.of());
    assertThat(store.contains(a)).isTrue();
    assertThat(stoppedSeeding).isEmpty();
    assertThat(r).isEqualTo(new BlobEvictor.Result(100, 0, 0, 0));
  }
}
