package io.quayctl.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.store.BlobStore;
import io.quayctl.store.FileBlobStore;
import io.quayctl.tracker.IndexClient;
import io.quayctl.tracker.TrackerServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine and Debian's aria2c exchange blobs in both directions. */
class Aria2InteropIT {
  @TempDir Path tmp;
  private TrackerServer tracker;
  private LibtorrentEngine engine;
  private BlobStore store;

  @BeforeEach
  void start() throws Exception {
    tracker = TrackerServer.builder().build();
    tracker.start();
    store = FileBlobStore.open(tmp.resolve("store"));
    engine =
        new LibtorrentEngine(
            EngineConfig.loopback(tmp.resolve("resume")), store, Clock.systemUTC());
    engine.start();
  }

  @AfterEach
  void stop() {
    engine.close();
    tracker.close();
  }

  @Test
  void aria2DownloadsFromTheEngineWithTheTorrentTheIndexServes() throws Exception {
    TestBlob blob = TestBlob.create(store, 3 * 1024 * 1024 + 77, 10);
    engine.seed(blob.path(), blob.metainfo(), List.of(URI.create(tracker.announceUrl())));
    IndexClient index = new IndexClient(tracker.baseUri());
    index.putTorrent(blob.digest().toString(), blob.metainfo().bytes());
    Path torrent =
        Files.write(
            tmp.resolve("served.torrent"), index.torrent(blob.digest().toString()).orElseThrow());

    Path dir = Files.createDirectories(tmp.resolve("aria2-download"));
    // No --bt-tracker: the served metainfo names the tracker.
    try (Aria2 aria2 = Aria2.download(torrent, dir, null)) {
      assertThat(aria2.waitFor(60)).as(aria2.output()).isZero();
    }
    assertThat(Files.readAllBytes(dir.resolve(blob.metainfo().fileName())))
        .isEqualTo(blob.content());
    assertThat(engine.stats(blob.digest()).orElseThrow().uploaded())
        .isGreaterThanOrEqualTo(blob.content().length);
  }

  @Test
  void engineDownloadsFromAria2() throws Exception {
    BlobStore origin = FileBlobStore.open(tmp.resolve("origin"));
    TestBlob blob = TestBlob.create(origin, 3 * 1024 * 1024 + 5, 11);
    Path seedDir = Files.createDirectories(tmp.resolve("aria2-seed"));
    Files.copy(blob.path(), seedDir.resolve(blob.metainfo().fileName()));
    Path torrent = Files.write(tmp.resolve("blob.torrent"), blob.metainfo().bytes());
    Aria2 aria2 = Aria2.seed(torrent, seedDir, tracker.announceUrl());
    try {
      Download d =
          engine.download(
              DownloadRequest.of(blob.metainfo(), List.of(URI.create(tracker.announceUrl()))));
      Path result = d.completion().get(60, TimeUnit.SECONDS);
      assertThat(Files.readAllBytes(result)).isEqualTo(blob.content());
      TransferStats stats = engine.stats(blob.digest()).orElseThrow();
      assertThat(stats.fromPeers()).isGreaterThanOrEqualTo(blob.content().length);
    } finally {
      aria2.close();
    }
  }
}
