package io.quayctl.distribution;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.ImageManifests;
import io.quayctl.registry.Platform;
import io.quayctl.registry.Registry;
import io.quayctl.registry.RegistryException;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.squash.Squasher;
import io.quayctl.store.BlobStore;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.store.FileBlobStore;
import io.quayctl.torrent.DownloadRequest;
import io.quayctl.torrent.Metainfo;
import io.quayctl.torrent.TorrentDownloadException;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
  private static final Duration SAMPLE = Duration.ofMillis(100);

  /**
   * Where bytes may come from.
   *
   * @param registryAllowed whether this host may read the registry (bastion); false = peers only
   * @param trackers announce URLs for every blob
   * @param peers peers to connect to directly
   * @param swarmWait how long to wait for the index (to answer, and to learn an image or blob a
   *     bastion is still fetching), and how long a download may go without receiving a byte
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
  private final ExecutorService registryFetches;
  // Per blob: payload bytes received over each peer connection (ip:port), as last sampled.
  // The last counters seen of each blob's transfer: kept once the engine forgets the transfer (a
  // download that does not seed), so the bytes a blob took are still reported after it finished.
  private final Map<Digest, TransferStats> lastStats = new ConcurrentHashMap<>();

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
    // With peers waiting, fetch from the registry one blob at a time in manifest order: each
    // blob is then complete (and shared) as early as possible, so the fan-out overlaps the
    // registry transfer. Without a swarm, a few parallel requests hide per-request latency.
    this.registryFetches =
        Executors.newFixedThreadPool(
            policy.usesSwarm() ? 1 : 3,
            r -> {
              Thread t = new Thread(r, "registry-fetch");
              t.setDaemon(true);
              return t;
            });
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
    IndexedImage indexed =
        awaitIndexed(
            reference.toString(),
            platform.toString(),
            "image " + reference + " for " + platform,
            "a host with registry access (a bastion) must pull or seed it first");
    ResolvedImage image =
        ImageManifests.parse(reference, indexed.manifest(), indexed.mediaType(), platform);
    Optional<Digest> pinned = reference.digest();
    if (pinned.isPresent()
        && !pinned.get().equals(image.manifestDigest())
        && !pinned.get().equals(image.topDigest())) {
      throw new DigestMismatchException(pinned.get(), image.manifestDigest(), "the index");
    }
    return image;
  }

  /**
   * The squashed form of {@code original} (see {@link Squasher}), named like it. A host that may
   * read the registry squashes the original, whose blobs must be in the store ({@link #fetch}), and
   * publishes the result to the index; other hosts take the squashed manifest from the index,
   * waiting up to the swarm wait for a bastion to publish it, and check that it names {@code
   * original}. Either way a squash made here before is reused. Call {@link #fetch} on the result to
   * get (or share) its blobs.
   */
  public ResolvedImage resolveSquashed(
      ResolvedImage original, Squasher squasher, Consumer<Squasher.Report> progress)
      throws IOException {
    Optional<ResolvedImage> cached = squasher.cached(original);
    if (policy.registryAllowed()) {
      ResolvedImage squashed =
          cached.isPresent() ? cached.get() : squasher.squash(original, progress);
      if (index != null) {
        index.putImage(
            Squasher.indexKey(original),
            null,
            squashed.manifestMediaType(),
            squashed.manifestBytes());
      }
      return squashed;
    }
    if (cached.isPresent()) {
      return cached.get();
    }
    IndexedImage indexed =
        awaitIndexed(
            Squasher.indexKey(original),
            null,
            "a squashed form of " + original.reference() + " (" + original.manifestDigest() + ")",
            "a host with registry access (a bastion) must pull or seed it with --squashed first");
    ResolvedImage squashed = Squasher.parse(original, indexed.manifest());
    squasher.remember(original, squashed);
    return squashed;
  }

  /**
   * Waits up to the swarm wait for the index to know {@code key} ({@code platform} may be null).
   */
  private IndexedImage awaitIndexed(String key, String platform, String what, String hint)
      throws IOException {
    Instant deadline = clock.instant().plus(policy.swarmWait());
    while (true) {
      Optional<IndexedImage> indexed;
      try {
        indexed = index.image(key, platform);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (!clock.instant().isBefore(deadline)) {
          throw unreachableIndex(e);
        }
        log.debug("index at {} not reachable yet: {}", index.base(), describe(e));
        sleep(POLL);
        continue;
      }
      if (indexed.isPresent()) {
        return indexed.get();
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND,
            "the index at "
                + index.base()
                + " does not know "
                + what
                + " after "
                + pretty(policy.swarmWait())
                + "; "
                + hint);
      }
      sleep(POLL);
    }
  }

  private RegistryException unreachableIndex(IOException e) {
    return new RegistryException(
        RegistryException.Kind.UNREACHABLE,
        "cannot reach the index at "
            + index.base()
            + " (from --index, else the first --tracker) for "
            + pretty(policy.swarmWait())
            + ": "
            + describe(e)
            + (policy.registryAllowed()
                ? ""
                : "; this host may not read the registry (--skip-web-seed), so it needs the index"));
  }

  /** The most telling message of an exception chain (the JDK's connect errors have none). */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      boolean onlyWrapsCause = t.getCause() != null && t.getCause().toString().equals(m);
      if (m != null && !m.isBlank() && !onlyWrapsCause) {
        return m;
      }
      if (t instanceof java.net.http.HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (t instanceof java.net.ConnectException && !onlyWrapsCause) {
        return "connection refused";
      }
    }
    return e.getClass().getSimpleName();
  }

  /** Every blob of the image (config first, each distinct layer once). */
  public static List<Descriptor> blobs(ResolvedImage image) {
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(image.config());
    blobs.addAll(image.uniqueLayers());
    return blobs;
  }

  /**
   * Makes every blob of the image present and verified in the store and leaves them seeding when a
   * swarm is used. Swarm downloads run concurrently; registry fetches run in manifest order on
   * their own threads (see {@link #registryFetches}). Fails with the first blob's error; blobs that
   * did complete stay in the store.
   *
   * <p>An image whose missing blobs cannot fit in the store fails before any transfer ({@link
   * SpaceCheck}).
   */
  public void fetch(ResolvedImage image) throws IOException {
    new SpaceCheck(store).require(image);
    List<CompletableFuture<Path>> futures = new ArrayList<>();
    for (Descriptor blob : blobs(image)) {
      Digest digest = blob.digest();
      Optional<Path> present = store.find(digest);
      if (present.isPresent() && intact(digest, present.get())) {
        states.put(digest, "present");
        continue;
      }
      Optional<Metainfo> metainfo = policy.usesSwarm() ? indexedMetainfo(digest) : Optional.empty();
      boolean fromRegistryDirectly = metainfo.isEmpty() && policy.registryAllowed();
      states.put(digest, fromRegistryDirectly ? "queued" : "waiting");
      futures.add(
          submit(
              fromRegistryDirectly ? registryFetches : workers,
              blob,
              () ->
                  fromRegistryDirectly
                      ? fetchFromRegistry(image.reference(), blob)
                      : download(image.reference(), blob, metainfo)));
    }
    for (CompletableFuture<Path> f : futures) {
      await(f);
    }
  }

  /**
   * Checks a blob found in the store against its digest (seeding it when a swarm is used; making
   * its metainfo checks it in the same read). A corrupt blob is deleted, to be fetched again: never
   * imported, never seeded.
   */
  private boolean intact(Digest digest, Path path) throws IOException {
    try {
      if (engine != null && policy.usesSwarm()) {
        share(digest, path);
      } else {
        Digest actual;
        try (var in = store.open(digest)) {
          actual = FileBlobStore.hash(in);
        }
        if (!actual.equals(digest)) {
          throw new DigestMismatchException(digest, actual, path.toString());
        }
      }
      return true;
    } catch (DigestMismatchException e) {
      log.warn(
          "{} in the store is corrupt (its content hashes to {}): deleted, fetching it again",
          digest,
          e.actual());
      store.delete(digest);
      return false;
    }
  }

  private interface BlobTask {
    Path run() throws IOException;
  }

  private CompletableFuture<Path> submit(ExecutorService executor, Descriptor blob, BlobTask task) {
    CompletableFuture<Path> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            f.complete(task.run());
          } catch (Throwable t) {
            states.put(blob.digest(), "failed");
            f.completeExceptionally(t);
          }
        });
    return f;
  }

  private Path fetchFromRegistry(ImageReference repository, Descriptor blob) throws IOException {
    Digest digest = blob.digest();
    states.put(digest, "registry");
    AtomicLong counter = fromRegistry.computeIfAbsent(digest, d -> new AtomicLong());
    Path path = registry.fetch(repository, blob, store, (d, n) -> counter.addAndGet(n));
    share(digest, path);
    return path;
  }

  private Path download(ImageReference repository, Descriptor blob, Optional<Metainfo> indexed)
      throws IOException {
    Digest digest = blob.digest();
    Metainfo meta = indexed.isPresent() ? indexed.get() : awaitMetainfo(repository, digest);
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
    Path path = awaitDownload(digest, engine.download(request).completion(), seedUrl != null);
    sample(digest); // the final counts, before the transfer can leave the engine
    states.put(digest, "seeding");
    return path;
  }

  /**
   * Waits for a download, sampling its per-peer counters, and gives up (keeping the partial data
   * and resume state for the next run) when no byte has arrived for the policy's swarm wait.
   */
  private Path awaitDownload(Digest digest, CompletableFuture<Path> completion, boolean webSeed)
      throws IOException {
    long lastBytes = -1;
    Instant lastProgress = clock.instant();
    while (true) {
      try {
        return completion.get(SAMPLE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        Optional<TransferStats> stats = sample(digest);
        long bytes = stats.map(s -> s.have() + s.downloaded()).orElse(lastBytes);
        Instant now = clock.instant();
        if (bytes != lastBytes) {
          lastBytes = bytes;
          lastProgress = now;
        } else if (!now.isBefore(lastProgress.plus(policy.swarmWait()))) {
          engine.remove(digest);
          throw new TorrentDownloadException(stalledMessage(digest, stats, webSeed));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      } catch (ExecutionException e) {
        sample(digest);
        throw unwrap(e);
      }
    }
  }

  private String stalledMessage(Digest digest, Optional<TransferStats> stats, boolean webSeed) {
    int peers =
        stats.map(s -> (int) s.peers().stream().filter(p -> !p.webSeed()).count()).orElse(0);
    StringBuilder sb =
        new StringBuilder("no data for blob ")
            .append(digest)
            .append(" arrived for ")
            .append(pretty(policy.swarmWait()))
            .append(" (")
            .append(stats.map(s -> s.have()).orElse(0L))
            .append(" of ")
            .append(stats.map(s -> s.size()).orElse(0L))
            .append(" bytes, ")
            .append(peers)
            .append(peers == 1 ? " peer" : " peers")
            .append(" connected");
    if (!policy.trackers().isEmpty()) {
      sb.append(", trackers ").append(policy.trackers());
    }
    if (!policy.peers().isEmpty()) {
      sb.append(", --peer ").append(policy.peers());
    }
    sb.append(")");
    Set<String> banned = stats.map(TransferStats::banned).orElse(Set.of());
    if (!banned.isEmpty()) {
      sb.append("; banned for sending data that failed its piece hashes: ")
          .append(String.join(", ", banned))
          .append(" (the blob in that host's store may be damaged)");
    } else if (peers == 0) {
      sb.append(
          webSeed
              ? "; neither a peer nor the registry sent anything: check that the tracker is"
                  + " reachable and a seeder is running"
              : "; no peer reached this host: check that the tracker is reachable from here and"
                  + " a seeder (quayctl docker torrent seed on a host with registry access) is"
                  + " running");
    }
    return sb.append("; partial data is kept for the next run").toString();
  }

  /** Records the current per-connection counters of a blob's transfer. */
  private Optional<TransferStats> sample(Digest digest) {
    if (engine == null) {
      return Optional.empty();
    }
    Optional<TransferStats> stats = engine.stats(digest);
    stats.ifPresent(s -> record(digest, s));
    return stats;
  }

  private void record(Digest digest, TransferStats s) {
    lastStats.put(digest, s);
  }

  /**
   * Bytes of the image received from each peer, by IP address, largest first: the engine's block
   * counts as of the last sample (every transfer is sampled once more when it completes).
   */
  public Map<String, Long> fromPeersByAddress(ResolvedImage image) {
    Map<String, Long> byAddress = new java.util.HashMap<>();
    for (Descriptor blob : blobs(image)) {
      TransferStats s = lastStats.get(blob.digest());
      if (s == null) {
        continue;
      }
      for (Map.Entry<String, Long> c : s.fromPeersByEndpoint().entrySet()) {
        byAddress.merge(addressOf(c.getKey()), c.getValue(), Long::sum);
      }
    }
    Map<String, Long> sorted = new java.util.LinkedHashMap<>();
    byAddress.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * {@code 10.0.0.1} of {@code 10.0.0.1:6881} or {@code tcp://10.0.0.1:6881}, {@code ::1} of {@code
   * [::1]:6881}.
   */
  static String addressOf(String endpoint) {
    int scheme = endpoint.indexOf("://");
    String rest = scheme >= 0 ? endpoint.substring(scheme + 3) : endpoint;
    int colon = rest.lastIndexOf(':');
    String host = colon > 0 ? rest.substring(0, colon) : rest;
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host;
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
    IOException lastError = null;
    while (clock.instant().isBefore(deadline)) {
      sleep(POLL);
      Optional<Metainfo> meta;
      try {
        meta = indexedMetainfo(digest);
        lastError = null;
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        lastError = e;
        continue;
      }
      if (meta.isPresent()) {
        return meta.get();
      }
    }
    if (lastError != null) {
      throw unreachableIndex(lastError);
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
      Optional<TransferStats> live = engine == null ? Optional.empty() : engine.stats(d);
      if (live.isPresent()) {
        TransferStats s = live.get();
        record(d, s);
        result.add(
            new BlobProgress(
                d.shortHex(),
                s.state().name().toLowerCase(java.util.Locale.ROOT),
                s.have(),
                blob.size(),
                s.downloadRate(),
                s.uploadRate(),
                s.peers().size(),
                s.fromPeers(),
                registryBytes + s.fromWebSeed()));
      } else {
        // The engine let go of the transfer (or never had one): what it took stays counted.
        TransferStats last = lastStats.get(d);
        long peers = last == null ? 0 : last.fromPeers();
        long webSeed = last == null ? 0 : last.fromWebSeed();
        long done = store.contains(d) ? blob.size() : registryBytes;
        result.add(
            new BlobProgress(
                d.shortHex(), state, done, blob.size(), 0, 0, 0, peers, registryBytes + webSeed));
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

  /** Bytes of the image's blobs this host has uploaded to peers, and how many peers it serves. */
  public Seeding seeding(ResolvedImage image) {
    long uploaded = 0;
    Set<String> peers = new HashSet<>();
    for (Descriptor blob : blobs(image)) {
      Optional<TransferStats> stats = sample(blob.digest());
      if (stats.isEmpty()) {
        stats = Optional.ofNullable(lastStats.get(blob.digest()));
      }
      if (stats.isPresent()) {
        uploaded += stats.get().uploaded();
        stats.get().peers().stream()
            .filter(p -> !p.webSeed())
            .forEach(p -> peers.add(addressOf(p.endpoint())));
      }
    }
    return new Seeding(uploaded, peers.size());
  }

  /**
   * What a seeder has done.
   *
   * @param uploaded payload bytes sent to peers
   * @param peers hosts connected now
   */
  public record Seeding(long uploaded, int peers) {}

  /**
   * Byte totals by source.
   *
   * @param fromPeers bytes from BitTorrent peers
   * @param fromRegistry bytes from the registry, directly or through the web seed
   */
  public record Totals(long fromPeers, long fromRegistry) {
    /** Both totals added up. */
    public Totals plus(Totals other) {
      return new Totals(fromPeers + other.fromPeers, fromRegistry + other.fromRegistry);
    }
  }

  @Override
  public void close() {
    registryFetches.shutdownNow();
    workers.shutdownNow();
  }

  private static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      throw unwrap(e);
    }
  }

  private static IOException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    return new IOException(cause);
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
