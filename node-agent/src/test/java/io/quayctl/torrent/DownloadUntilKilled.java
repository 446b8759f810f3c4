package io.quayctl.torrent;

import io.quayctl.api.Digest;
import io.quayctl.store.FileBlobStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Downloads one blob from one peer into a store at a limited rate, printing {@code have N} every
 * 100 ms, until it is killed; run in a child JVM by {@link LoopbackSwarmIT}.
 *
 * <p>Arguments: store directory, resume directory, metainfo file, digest, peer port, download limit
 * in KiB/s.
 */
public final class DownloadUntilKilled {
  private DownloadUntilKilled() {}

  public static void main(String[] args) throws Exception {
    FileBlobStore store = FileBlobStore.open(Path.of(args[0]));
    EngineConfig config =
        EngineConfig.loopback(Path.of(args[1])).withRateLimits(Integer.parseInt(args[5]), 0);
    Digest digest = Digest.parse(args[3]);
    Metainfo metainfo = Metainfo.parse(digest, Files.readAllBytes(Path.of(args[2])));
    LibtorrentEngine engine = new LibtorrentEngine(config, store, Clock.systemUTC());
    engine.start();
    engine.download(
        DownloadRequest.of(metainfo, List.of())
            .withKnownPeers(
                List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[4])))));
    while (true) {
      long have = engine.stats(digest).map(TransferStats::have).orElse(0L);
      System.out.println("have " + have);
      System.out.flush();
      Thread.sleep(100);
    }
  }
}
