package io.quayctl.cli;

import io.quayctl.api.ImageReference;
import io.quayctl.distribution.DataDir;
import io.quayctl.distribution.ImageDistributor;
import io.quayctl.registry.RegistryClient;
import io.quayctl.squash.Squasher;
import io.quayctl.store.BlobStore;
import io.quayctl.torrent.EngineConfig;
import io.quayctl.torrent.LibtorrentEngine;
import io.quayctl.torrent.WebSeedServer;
import io.quayctl.tracker.IndexClient;
import io.quayctl.tracker.TrackerServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts one {@code torrent pull} or {@code torrent seed} needs, wired from the flags: blob
 * store, registry client (unless {@code --skip-web-seed}), index, torrent engine and web seed.
 */
final class TorrentSetup implements AutoCloseable {
  final BlobStore store;
  final RegistryClient registry;
  final IndexClient index;
  final URI indexUri;
  final LibtorrentEngine engine;
  final WebSeedServer webSeed;
  final ImageDistributor distributor;
  final List<URI> trackers;
  private boolean closed;

  private TorrentSetup(
      BlobStore store,
      RegistryClient registry,
      IndexClient index,
      URI indexUri,
      LibtorrentEngine engine,
      WebSeedServer webSeed,
      ImageDistributor distributor,
      List<URI> trackers) {
    this.store = store;
    this.registry = registry;
    this.index = index;
    this.indexUri = indexUri;
    this.engine = engine;
    this.webSeed = webSeed;
    this.distributor = distributor;
    this.trackers = trackers;
  }

  /**
   * Wires everything for {@code reference} from flags that {@link TorrentOptions#validate} checked;
   * {@code embedded} is a tracker this process serves.
   */
  static TorrentSetup open(TorrentOptions o, ImageReference reference, TrackerServer embedded)
      throws IOException {
    List<URI> trackers = new ArrayList<>(o.trackers);
    if (trackers.isEmpty() && embedded != null) {
      trackers.add(URI.create(embedded.announceUrl()));
    }
    URI indexUri = o.index;
    if (indexUri == null && embedded != null) {
      indexUri = embedded.baseUri();
    }
    if (indexUri == null && !trackers.isEmpty()) {
      indexUri = trackers.get(0).resolve("/");
    }
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String p : o.peers) {
      peers.add(parsePeer(p));
    }
    boolean swarm = !trackers.isEmpty() || !peers.isEmpty();
    if (o.skipWebSeed && (!swarm || indexUri == null)) {
      throw new IllegalArgumentException(
          "--skip-web-seed needs peers to download from: give --tracker URL of a quayctl tracker"
              + " (or --tracker with --index URL)");
    }
    DataDir dataDir = new DataDir(o.dataDir());
    BlobStore store;
    try {
      store = dataDir.openStore();
    } catch (java.nio.file.FileSystemException e) {
      throw new IllegalArgumentException(
          "--data-dir " + o.dataDir() + " cannot hold the blob store: " + DataDir.reason(e), e);
    }
    // What an interrupted squash left behind.
    Squasher.removeAbandoned(store);
    RegistryClient registry = null;
    if (!o.skipWebSeed) {
      // The engine's limit covers peers and the web seed; this one, direct registry fetches.
      RegistryClient.Builder b =
          RegistryClient.builder()
              .credentials(o.credentials)
              .plainHttpHint("pass --insecure")
              .downloadRateLimit(o.downloadRate * 1024L);
      if (o.insecure) {
        b.plainHttp(reference.registry());
      }
      registry = b.build();
    }
    IndexClient index = indexUri == null ? null : new IndexClient(indexUri);
    LibtorrentEngine engine = null;
    WebSeedServer webSeed = null;
    try {
      if (swarm) {
        EngineConfig config =
            new EngineConfig(
                o.localIp == null ? "0.0.0.0" : o.localIp,
                o.lowerPort,
                o.upperPort - o.lowerPort,
                o.downloadRate,
                o.uploadRate,
                o.connectionsPerSecond,
                o.encryptionMode,
                dataDir.resumeDir(),
                // Frequent polls keep per-peer byte counts close to complete (see --stats-file).
                Duration.ofMillis(200));
        engine = new LibtorrentEngine(config, store, Clock.systemUTC());
        try {
          engine.start();
        } catch (java.net.BindException e) {
          throw new java.net.BindException(
              e.getMessage() + ": choose free ports for peers with --lower-port and --upper-port");
        }
        if (registry != null) {
          webSeed = new WebSeedServer(registry);
          webSeed.start();
        }
      }
      ImageDistributor distributor =
          new ImageDistributor(
              registry,
              index,
              engine,
              webSeed,
              store,
              new ImageDistributor.Policy(
                  registry != null, trackers, peers, o.peerTimeout, Duration.ofHours(1)),
              Clock.systemUTC());
      return new TorrentSetup(
          store, registry, index, indexUri, engine, webSeed, distributor, List.copyOf(trackers));
    } catch (IOException | RuntimeException e) {
      if (webSeed != null) {
        webSeed.close();
      }
      if (engine != null) {
        engine.close();
      }
      throw e;
    }
  }

  private static InetSocketAddress parsePeer(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--peer must be HOST:PORT, was \"" + text + "\"");
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return new InetSocketAddress(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--peer must be HOST:PORT, was \"" + text + "\"");
    }
  }

  /** Closes everything once; a shutdown hook and the command may both call it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    distributor.close();
    if (webSeed != null) {
      webSeed.close();
    }
    if (engine != null) {
      engine.close();
    }
  }
}
