package io.quayctl.distribution;

import io.quayctl.registry.Descriptor;
import io.quayctl.registry.Digest;
import io.quayctl.registry.ImageManifests;
import io.quayctl.registry.ImageReference;
import io.quayctl.registry.Platform;
import io.quayctl.registry.Registry;
import io.quayctl.registry.RegistryException;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.BlobStore;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.torrent.DownloadRequest;
import io.quayctl.torrent.Metainfo;
import io.quayctl.torrent.TorrentEngine;
import io.quayctl.torrent.TransferStats;
import io.quayctl.torrent.WebSeedServer;
import io.quayctl.tracker.IndexClient;
import io.quayctl.tracker.IndexedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an image's blobs into the local store and keeps them seeded: from the registry where this
 * host may read it (the first host registers each blob's metainfo with the index; later ones use
 * the registry only as a web seed beside their peers), otherwise from peers alone. Every blob is
 * verified against its digest before it is visible in the store. Shared by the CLI and the agent.
 */
public final class ImageDistributor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImageDistributor.class);
  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * Where bytes may come from.
   *
   * @param registryAllowed whether this host may read the registry (bastion); false = peers only
   * @param trackers announce URLs for every blob
   * @param peers peers to connect to directly
   * @param swarmWait how long to wait for the index to learn an image or blob a bastion is still
   *     fetching, and for a peer to appear
   * @param downloadTimeout how long one blob's download may take
   */
  public record Policy(
      boolean registryAllowed,
      List<URI> trackers,
      List<InetSocketAddress> peers,
      Duration swarmWait,
      Duration downloadTimeout) {
    public Policy {
      trackers = List.copyOf(trackers);
      peers = List.copyOf(peers);
    }

    /** Whether blobs travel over BitTorrent at all (a tracker or a peer to use). */
    public boolean usesSwarm() {
      return !trackers.isEmpty() || !peers.isEmpty();
    }
  }

  private final Registry registry;
  private final IndexClient index;
  private final TorrentEngine engine;
  private final WebSeedServer webSeed;
  private final BlobStore store;
  private final Policy policy;
  private final Clock clock;
  private final ExecutorService workers;
  private final Map<Digest, AtomicLong> fromRegistry = new ConcurrentHashMap<>();
  private final Map<Digest, String> states = new ConcurrentHashMap<>();

  /**
   * A distributor; {@code registry} and {@code webSeed} are null on hosts without registry access,
   * {@code index} null without an index, {@code engine} null when no swarm is used.
   */
  public ImageDistributor(
      Registry registry,
      IndexClient index,
      TorrentEngine engine,
      WebSeedServer webSeed,
      BlobStore store,
      Policy policy,
      Clock clock) {
    if (policy.registryAllowed() != (registry != null)) {
      throw new IllegalArgumentException("a registry client is needed exactly when it is allowed");
    }
    if (!policy.registryAllowed() && (index == null || engine == null)) {
      throw new IllegalArgumentException(
          "without registry access, an index and a torrent engine are needed");
    }
    this.registry = registry;
    this.index = index;
    this.engine = engine;
    this.webSeed = webSeed;
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "blob-fetch");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Resolves the reference to the manifest for {@code platform}: from the registry when allowed
   * (and then published to the index for hosts without registry access), else from the index,
   * waiting up to the policy's swarm wait for a bastion to publish it.
   */
  public ResolvedImage resolve(ImageReference reference, Platform platform) throws IOException {
    if (policy.registryAllowed()) {
      ResolvedImage image = registry.resolve(reference, platform);
      if (index != null) {
        index.putImage(
            reference.toString(),
            platform.toString(),
            image.manifestMediaType(),
            image.manifestBytes());
      }
      return image;
    }
    Instant deadline = clock.instant().plus(policy.swarmWait());
    while (true) {
      Optional<IndexedImage> indexed = indexImage(reference, platform, deadline);
      if (indexed.isPresent()) {
        ResolvedImage image =
            ImageManifests.parse(
                reference, indexed.get().manifest(), indexed.get().mediaType(), platform);
        Optional<Digest> pinned = reference.digest();
        if (pinned.isPresent()
            && !pinned.get().equals(image.manifestDigest())
            && !pinned.get().equals(image.topDigest())) {
          throw new DigestMismatchException(pinned.get(), image.manifestDigest(), "the index");
        }
        return image;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND,
            "the index at "
                + index.base()
                + " does not know image "
                + reference
                + " for "
                + platform
                + " after "
                + pretty(policy.swarmWait())
                + "; a host with registry access (a bastion) must pull or seed it first");
      }
      sleep(POLL);
    }
  }

  /** Asks the index, treating an unreachable index as "not yet" until the deadline. */
  private Optional<IndexedImage> indexImage(
      ImageReference reference, Platform platform, Instant deadline) throws IOException {
    try {
      return index.image(reference.toString(), platform.toString());
    } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
      if (!clock.instant().isBefore(deadline)) {
        throw new RegistryException(
            RegistryException.Kind.UNREACHABLE,
            "cannot reach the index at "
                + index.base()
                + " (connection refused or timed out for "
                + pretty(policy.swarmWait())
                + "); is the tracker running and reachable from this host?",
            e);
      }
      log.info("index at {} not reachable yet ({}); retrying", index.base(), e.toString());
      return Optional.empty();
    }
  }

  /** Every blob of the image (config first, each distinct layer once). */
  public static List<Descriptor> blobs(ResolvedImage image) {
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(image.config());
    blobs.addAll(image.uniqueLayers());
    return blobs;
  }

  /**
   * Makes every blob of the image present and verified in the store, fetching them concurrently,
   * and leaves them seeding when a swarm is used. Fails with the first blob's error; blobs that did
   * complete stay in the store.
   */
  public void fetch(ResolvedImage image) throws IOException {
    List<CompletableFuture<Path>> futures = new ArrayList<>();
    for (Descriptor blob : blobs(image)) {
      CompletableFuture<Path> f = new CompletableFuture<>();
      workers.execute(
          () -> {
            try {
              f.complete(fetchBlob(image.reference(), blob));
            } catch (Throwable t) {
              states.put(blob.digest(), "failed");
              f.completeExceptionally(t);
            }
          });
      futures.add(f);
    }
    for (CompletableFuture<Path> f : futures) {
      await(f);
    }
  }

  private Path fetchBlob(ImageReference repository, Descriptor blob) throws IOException {
    Digest digest = blob.digest();
    Optional<Path> present = store.find(digest);
    if (present.isPresent()) {
      states.put(digest, "present");
      share(digest, present.get());
      return present.get();
    }
    Optional<Metainfo> metainfo = policy.usesSwarm() ? indexedMetainfo(digest) : Optional.empty();
    if (metainfo.isEmpty() && policy.registryAllowed()) {
      states.put(digest, "registry");
      AtomicLong counter = fromRegistry.computeIfAbsent(digest, d -> new AtomicLong());
      Path path = registry.fetch(repository, blob, store, (d, n) -> counter.addAndGet(n));
      share(digest, path);
      return path;
    }
    if (metainfo.isEmpty()) {
      metainfo = Optional.of(awaitMetainfo(repository, digest));
    }
    Metainfo meta = metainfo.get();
    if (meta.length() != blob.size()) {
      throw new IOException(
          "the index's metainfo for blob "
              + digest
              + " describes "
              + meta.length()
              + " bytes, but the manifest says "
              + blob.size());
    }
    URI seedUrl = null;
    if (policy.registryAllowed() && webSeed != null) {
      seedUrl = webSeed.register(digest, repository, blob.size());
    }
    states.put(digest, "swarm");
    DownloadRequest request =
        new DownloadRequest(
            meta, policy.trackers(), seedUrl, policy.peers(), policy.downloadTimeout(), true);
    Path path = await(engine.download(request).completion());
    states.put(digest, "seeding");
    return path;
  }

  /**
   * Seeds a verified blob and, on a host that read it from the registry, publishes its metainfo.
   */
  private void share(Digest digest, Path path) throws IOException {
    if (engine == null || !policy.usesSwarm()) {
      return;
    }
    Metainfo meta = Metainfo.create(digest, path);
    if (policy.registryAllowed() && index != null) {
      index.putTorrent(digest.toString(), meta.bytes());
    }
    engine.seed(path, meta, policy.trackers());
    states.put(digest, "seeding");
  }

  private Optional<Metainfo> indexedMetainfo(Digest digest) throws IOException {
    if (index == null) {
      return Optional.empty();
    }
    return index.torrent(digest.toString()).map(bytes -> Metainfo.parse(digest, bytes));
  }

  private Metainfo awaitMetainfo(ImageReference repository, Digest digest) throws IOException {
    states.put(digest, "waiting");
    Instant deadline = clock.instant().plus(policy.swarmWait());
    while (clock.instant().isBefore(deadline)) {
      sleep(POLL);
      Optional<Metainfo> meta = indexedMetainfo(digest);
      if (meta.isPresent()) {
        return meta.get();
      }
    }
    throw new RegistryException(
        RegistryException.Kind.UNREACHABLE,
        "no peer offers blob "
            + digest
            + " of "
            + repository.name()
            + ": the index at "
            + index.base()
            + " has no metainfo for it after "
            + pretty(policy.swarmWait())
            + ", and this host may not read the registry (--skip-web-seed)");
  }

  /** Progress of every blob of the image, for display and status reports. */
  public List<BlobProgress> progress(ResolvedImage image) {
    List<BlobProgress> result = new ArrayList<>();
    for (Descriptor blob : blobs(image)) {
      Digest d = blob.digest();
      String state = states.getOrDefault(d, "pending");
      long registryBytes = fromRegistry.getOrDefault(d, new AtomicLong()).get();
      Optional<TransferStats> stats = engine == null ? Optional.empty() : engine.stats(d);
      if (stats.isPresent()) {
        TransferStats s = stats.get();
        String label = s.state().name().toLowerCase(java.util.Locale.ROOT);
        result.add(
            new BlobProgress(
                d.shortHex(),
                label,
                s.have(),
                blob.size(),
                s.downloadRate(),
                s.uploadRate(),
                s.peers().size(),
                s.fromPeers(),
                registryBytes + s.fromWebSeed()));
      } else {
        long done = store.contains(d) ? blob.size() : registryBytes;
        result.add(
            new BlobProgress(d.shortHex(), state, done, blob.size(), 0, 0, 0, 0, registryBytes));
      }
    }
    return result;
  }

  /** Bytes this host received from peers, and from the registry (directly or as a web seed). */
  public Totals totals(ResolvedImage image) {
    long peers = 0;
    long reg = 0;
    for (BlobProgress p : progress(image)) {
      peers += p.fromPeers();
      reg += p.fromRegistry();
    }
    return new Totals(peers, reg);
  }

  /**
   * Byte totals by source.
   *
   * @param fromPeers bytes from BitTorrent peers
   * @param fromRegistry bytes from the registry, directly or through the web seed
   */
  public record Totals(long fromPeers, long fromRegistry) {}

  @Override
  public void close() {
    workers.shutdownNow();
  }

  private static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  private static String pretty(Duration d) {
    return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
