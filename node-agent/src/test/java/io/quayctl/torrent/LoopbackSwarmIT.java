package io.quayctl.torrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.ImageReference;
import io.quayctl.store.BlobStore;
import io.quayctl.store.FileBlobStore;
import io.quayctl.testing.FileBackedRegistry;
import io.quayctl.testing.JavaProcess;
import io.quayctl.tracker.IndexClient;
import io.quayctl.tracker.TrackerServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real libtorrent sessions on loopback, with the in-process tracker and index. */
class LoopbackSwarmIT {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private TrackerServer tracker;
  private List<URI> trackers;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startTracker() throws IOException {
    tracker = TrackerServer.builder().interval(Duration.ofSeconds(5)).build();
    tracker.start();
    trackers = List.of(URI.create(tracker.announceUrl()));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    tracker.close();
  }

  private record Host(LibtorrentEngine engine, BlobStore store) {}

  private Host host(String name, EngineConfig config) throws IOException {
    BlobStore store = FileBlobStore.open(tmp.resolve(name).resolve("store"));
    LibtorrentEngine engine = new LibtorrentEngine(config, store, Clock.systemUTC());
    engine.start();
    closeables.add(engine);
    return new Host(engine, store);
  }

  private Host host(String name) throws IOException {
    return host(name, EngineConfig.loopback(tmp.resolve(name).resolve("resume")));
  }

  private static EngineConfig limited(Path resume, int downKiB, int upKiB) {
    return EngineConfig.loopback(resume).withRateLimits(downKiB, upKiB);
  }

  private static void assertCommitted(Host h, TestBlob blob, Path result) throws IOException {
    assertThat(h.store().contains(blob.digest())).isTrue();
    assertThat(result).isEqualTo(h.store().find(blob.digest()).orElseThrow());
    assertThat(Files.readAllBytes(result)).isEqualTo(blob.content());
    assertThat(Files.exists(h.store().partialPath(blob.digest()))).isFalse();
  }

  @Test
  void downloadsFromASeederFoundThroughTheTrackerAndCommits() throws Exception {
    Host a = host("a");
    Host b = host("b");
    TestBlob blob = TestBlob.create(a.store(), 4 * MIB + 123, 1);
    a.engine().seed(blob.path(), blob.metainfo(), trackers);

    // B gets the metainfo the way a worker does: from the index.
    IndexClient index = new IndexClient(tracker.baseUri());
    index.putTorrent(blob.digest().toString(), blob.metainfo().bytes());
    Metainfo fetched =
        Metainfo.parse(blob.digest(), index.torrent(blob.digest().toString()).orElseThrow());

    Download d = b.engine().download(DownloadRequest.of(fetched, trackers));
    Path result = d.completion().get(60, TimeUnit.SECONDS);
    assertCommitted(b, blob, result);

    TransferStats stats = b.engine().stats(blob.digest()).orElseThrow();
    assertThat(stats.state()).isEqualTo(TransferStats.State.SEEDING);
    assertThat(stats.fromPeers()).isGreaterThanOrEqualTo(blob.content().length);
    assertThat(stats.fromWebSeed()).isZero();
    assertThat(tracker.swarm(blob.metainfo().infoHash().hex()).seeders()).isPositive();
  }

  @Test
  void concurrentDownloadersExchangePieces() throws Exception {
    // The seeder's upload is limited (on loopback too: the peer class filter is remapped), so B
    // and C can only finish quickly by trading pieces with each other.
    Host a = host("a", limited(tmp.resolve("a-resume"), 0, 1024));
    Host b = host("b");
    Host c = host("c");
    TestBlob blob = TestBlob.create(a.store(), 6 * MIB, 2);
    a.engine().seed(blob.path(), blob.metainfo(), trackers);

    long start = System.nanoTime();
    Download db = b.engine().download(DownloadRequest.of(blob.metainfo(), trackers));
    Download dc = c.engine().download(DownloadRequest.of(blob.metainfo(), trackers));
    assertCommitted(b, blob, db.completion().get(90, TimeUnit.SECONDS));
    assertCommitted(c, blob, dc.completion().get(90, TimeUnit.SECONDS));
    double seconds = (System.nanoTime() - start) / 1e9;

    TransferStats sa = a.engine().stats(blob.digest()).orElseThrow();
    TransferStats sb = b.engine().stats(blob.digest()).orElseThrow();
    TransferStats sc = c.engine().stats(blob.digest()).orElseThrow();
    System.out.printf(
        "3 hosts: %.1f s; A uploaded %d, B got %d (uploaded %d), C got %d (uploaded %d)%n",
        seconds, sa.uploaded(), sb.fromPeers(), sb.uploaded(), sc.fromPeers(), sc.uploaded());
    // B's and C's uploads can only have gone to each other.
    assertThat(sb.uploaded() + sc.uploaded()).isPositive();
    assertThat(sb.fromPeers() + sc.fromPeers()).isGreaterThan(sa.uploaded());
    // With A alone at 1 MiB/s, 12 MiB would take 12 s.
    assertThat(sa.uploaded()).isLessThan(2L * blob.content().length);
  }

  @Test
  void downloadsFromTheWebSeedAloneThroughTheRegistryProxy() throws Exception {
    Host origin = host("origin");
    TestBlob blob = TestBlob.create(origin.store(), 3 * MIB + 5, 3);
    FileBackedRegistry registry = new FileBackedRegistry().add(blob.digest(), blob.path());
    WebSeedServer webSeed = new WebSeedServer(registry);
    webSeed.start();
    closeables.add(webSeed);
    URI url =
        webSeed.register(
            blob.digest(),
            ImageReference.parse("localhost:5000/team/app"),
            blob.metainfo().length());
    assertThat(url.getRawQuery()).isNull();

    Host b = host("b");
    Download d =
        b.engine().download(DownloadRequest.of(blob.metainfo(), List.of()).withWebSeed(url));
    assertCommitted(b, blob, d.completion().get(60, TimeUnit.SECONDS));
    TransferStats stats = b.engine().stats(blob.digest()).orElseThrow();
    assertThat(stats.fromPeers()).isZero();
    assertThat(stats.fromWebSeed()).isGreaterThan(blob.content().length / 2);
    assertThat(webSeed.bytesServed()).isGreaterThanOrEqualTo(blob.content().length);
    assertThat(registry.rangedReads()).isPositive();
  }

  private Path corruptCopyFor(TestBlob blob, String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    byte[] bad = blob.content().clone();
    for (int i = 0; i < bad.length; i += 4096) {
      bad[i] ^= 0x5a;
    }
    Files.write(dir.resolve(blob.metainfo().fileName()), bad);
    Files.write(tmp.resolve(name + ".torrent"), blob.metainfo().bytes());
    return dir;
  }

  @Test
  void corruptPeerIsBannedAndTheDownloadCompletesFromTheHonestSeeder() throws Exception {
    Host a = host("a", limited(tmp.resolve("a-resume"), 0, 512));
    TestBlob blob = TestBlob.create(a.store(), 3 * MIB, 4);
    Path badDir = corruptCopyFor(blob, "evil");
    // The corrupt peer sits on another loopback address, as it would on another host: libtorrent
    // bans by IP, so on a shared address the honest seeder would be banned with it.
    Aria2 evil =
        Aria2.seed(tmp.resolve("evil.torrent"), badDir, tracker.announceUrl(), "127.0.0.2");
    closeables.add(evil);
    a.engine().seed(blob.path(), blob.metainfo(), trackers);

    Host b = host("b");
    // The honest seeder is also given directly, so the test does not hinge on announce timing.
    Download d =
        b.engine()
            .download(
                DownloadRequest.of(blob.metainfo(), trackers)
                    .withKnownPeers(
                        List.of(new InetSocketAddress("127.0.0.1", a.engine().listenPort())))
                    .withTimeout(Duration.ofSeconds(60)));
    try {
      assertCommitted(b, blob, d.completion().get(90, TimeUnit.SECONDS));
    } finally {
      System.out.println("corrupt peer test, B: " + b.engine().stats(blob.digest()));
      System.out.println("corrupt peer test, A: " + a.engine().stats(blob.digest()));
    }
    TransferStats stats = b.engine().stats(blob.digest()).orElseThrow();
    System.out.printf(
        "corrupt peer: %d bytes failed the hash check, B got %d from peers%n",
        stats.failedBytes(), stats.fromPeers());
    // The corrupt peer (unthrottled, unlike the seeder) did send pieces, and they were rejected.
    assertThat(stats.failedBytes()).isPositive();
  }

  @Test
  void onlyACorruptSourceNeverCommits() throws Exception {
    Host owner = host("owner");
    TestBlob blob = TestBlob.create(owner.store(), 2 * MIB, 5);
    Path badDir = corruptCopyFor(blob, "evil");
    Aria2 evil = Aria2.seed(tmp.resolve("evil.torrent"), badDir, tracker.announceUrl());
    closeables.add(evil);

    Host b = host("b");
    Download d =
        b.engine()
            .download(
                DownloadRequest.of(blob.metainfo(), trackers).withTimeout(Duration.ofSeconds(15)));
    assertThatThrownBy(() -> d.completion().get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TorrentDownloadException.class)
        .hasMessageContaining("timed out")
        .hasMessageContaining("failed their hash check")
        .hasMessageContaining("nothing was committed");
    assertThat(b.store().contains(blob.digest())).isFalse();
    assertThat(b.engine().stats(blob.digest())).isEmpty();
  }

  @Test
  void resumesAfterARestartWithoutDownloadingAgain() throws Exception {
    Host a = host("a");
    TestBlob blob = TestBlob.create(a.store(), 8 * MIB, 6);
    a.engine().seed(blob.path(), blob.metainfo(), trackers);

    Path resume = tmp.resolve("b").resolve("resume");
    Host b = host("b", limited(resume, 1024, 0));
    b.engine().download(DownloadRequest.of(blob.metainfo(), trackers));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long have = 0;
    while (have < blob.content().length * 4L / 10 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      have = b.engine().stats(blob.digest()).orElseThrow().have();
    }
    assertThat(have).isLessThan(blob.content().length);
    b.engine().close();
    Path resumeFile = resume.resolve(blob.digest().hex() + ".resume");
    assertThat(resumeFile).exists();
    assertThat(b.store().contains(blob.digest())).isFalse();

    LibtorrentEngine b2 =
        new LibtorrentEngine(EngineConfig.loopback(resume), b.store(), Clock.systemUTC());
    b2.start();
    closeables.add(b2);
    Download d = b2.download(DownloadRequest.of(blob.metainfo(), trackers));
    assertCommitted(b, blob, d.completion().get(60, TimeUnit.SECONDS));
    long again = b2.stats(blob.digest()).orElseThrow().fromPeers();
    System.out.printf(
        "resume: had %d of %d, downloaded %d after restart%n", have, blob.content().length, again);
    assertThat(again).isLessThanOrEqualTo(blob.content().length - have + 2L * MIB);
    assertThat(resumeFile).doesNotExist();
  }

  @Test
  void resumesAfterTheDownloaderIsKilledWithoutDownloadingAgain() throws Exception {
    Host a = host("a");
    TestBlob blob = TestBlob.create(a.store(), 8 * MIB, 7);
    a.engine().seed(blob.path(), blob.metainfo(), trackers);
    Path store = tmp.resolve("b").resolve("store");
    Path resume = tmp.resolve("b").resolve("resume");
    Path torrent = Files.write(tmp.resolve("blob.torrent"), blob.metainfo().bytes());

    // A downloader in its own JVM at 1 MiB/s, killed with SIGKILL once it has 40 % of the blob:
    // about 3 s in, so its last periodic resume data (5 s apart) predates most of what it has.
    JavaProcess child =
        JavaProcess.start(
            "killed-downloader",
            tmp.resolve("logs"),
            List.of("-D" + NativeLibrary.PATH_PROPERTY + "=" + NativeLibrary.load()),
            DownloadUntilKilled.class.getName(),
            List.of(
                store.toString(),
                resume.toString(),
                torrent.toString(),
                blob.digest().toString(),
                Integer.toString(a.engine().listenPort()),
                "1024"));
    long have = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try {
      while (have < blob.content().length * 4L / 10) {
        assertThat(System.nanoTime()).as(child.logTail(20)).isLessThan(deadline);
        assertThat(child.isAlive()).as(child.logTail(40)).isTrue();
        Thread.sleep(50);
        have = lastHave(child);
      }
    } finally {
      child.kill();
    }
    assertThat(have).isLessThan(blob.content().length);
    assertThat(resume.resolve(blob.digest().hex() + ".resume"))
        .as("resume data saved before the kill")
        .exists();

    BlobStore b = FileBlobStore.open(store);
    assertThat(b.contains(blob.digest())).isFalse();
    LibtorrentEngine b2 = new LibtorrentEngine(EngineConfig.loopback(resume), b, Clock.systemUTC());
    b2.start();
    closeables.add(b2);
    Download d =
        b2.download(
            DownloadRequest.of(blob.metainfo(), List.of())
                .withKnownPeers(
                    List.of(new InetSocketAddress("127.0.0.1", a.engine().listenPort()))));
    assertCommitted(new Host(b2, b), blob, d.completion().get(60, TimeUnit.SECONDS));
    long again = b2.stats(blob.digest()).orElseThrow().fromPeers();
    System.out.printf(
        "killed: had %d of %d, downloaded %d after restart%n", have, blob.content().length, again);
    // What was on disk is kept; only pieces in flight at the kill may be fetched again.
    long slack = 8L * blob.metainfo().pieceLength();
    assertThat(again).isLessThanOrEqualTo(blob.content().length - have + slack);
  }

  /** The last {@code have N} a {@link DownloadUntilKilled} printed. */
  private static long lastHave(JavaProcess child) {
    List<String> lines = child.log().lines().filter(l -> l.startsWith("have ")).toList();
    return lines.isEmpty() ? 0 : Long.parseLong(lines.get(lines.size() - 1).substring(5).strip());
  }
}
