package io.quayctl.agent;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.api.v1alpha1.ImageFormat;
import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.api.v1alpha1.NodeRole;
import io.quayctl.distribution.BlobProgress;
import io.quayctl.distribution.ImageDistributor;
import io.quayctl.distribution.NotEnoughSpaceException;
import io.quayctl.kube.PullSecretException;
import io.quayctl.kube.PullSecrets;
import io.quayctl.registry.CredentialProvider;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.Platform;
import io.quayctl.registry.RegistryClient;
import io.quayctl.registry.RegistryException;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.registry.TransferRateLimit;
import io.quayctl.runtime.RuntimeUnavailableException;
import io.quayctl.squash.Squasher;
import io.quayctl.squash.UnsupportedLayerException;
import io.quayctl.store.BlobStore;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.store.DiskFull;
import io.quayctl.torrent.Metainfo;
import io.quayctl.torrent.TorrentDownloadException;
import io.quayctl.torrent.TorrentEngine;
import io.quayctl.torrent.TransferStats;
import io.quayctl.tracker.IndexClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link Puller}: each job wires an {@link ImageDistributor} for its entry. On a bastion
 * (agent and entry both say so) the distributor reads the registry with the entry's pull secrets,
 * and the resolver publishes manifest and metainfo to the index; a worker resolves through the
 * index and gets every byte from peers (no registry client, no web seed). Verified blobs are
 * imported into the container runtime unless the entry says {@code importToRuntime: false}.
 */
public final class DistributionPuller implements Puller {
  private static final Logger log = LoggerFactory.getLogger(DistributionPuller.class);

  /**
   * How this node pulls.
   *
   * @param role this agent's role: only a bastion agent ever talks to a registry
   * @param trackers announce URLs used when an entry names none
   * @param index the metainfo index, or null to derive it from the first tracker
   * @param swarmWait how long a worker waits for the index or a peer to offer a blob
   * @param downloadTimeout how long one blob's download may take
   */
  /**
   * How the node pulls.
   *
   * @param registryRateLimit the limit that the bastion's registry downloads share, or {@code null}
   */
  public record Settings(
      NodeRole role,
      List<URI> trackers,
      URI index,
      Duration swarmWait,
      Duration downloadTimeout,
      TransferRateLimit registryRateLimit) {
    public Settings {
      trackers = List.copyOf(trackers);
    }
  }

  private final Settings settings;
  private final BlobStore store;
  private final TorrentEngine engine;
  private final PullSecrets secrets;
  private final RuntimeConnector runtime;
  private final Clock clock;
  private final ExecutorService threads;
  private final Set<Job> jobs = ConcurrentHashMap.newKeySet();

  /** A puller (nothing started) over shared store and engine. */
  public DistributionPuller(
      Settings settings,
      BlobStore store,
      TorrentEngine engine,
      PullSecrets secrets,
      RuntimeConnector runtime,
      Clock clock) {
    this.settings = settings;
    this.store = store;
    this.engine = engine;
    this.secrets = secrets;
    this.runtime = runtime;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "pull-job-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void start() throws IOException {
    engine.start();
    log.info("peers connect to port {}", engine.listenPort());
  }

  @Override
  public PullJob start(JobId id, NodeImageEntry entry, Consumer<PullEvent> events) {
    Job job = new Job(id, entry, events);
    jobs.add(job);
    job.future = threads.submit(job::run);
    return job;
  }

  @Override
  public SwarmSnapshot swarm() {
    Set<String> blobs = new LinkedHashSet<>();
    for (Job j : jobs) {
      blobs.addAll(j.blobs());
    }
    int torrents = 0;
    int peers = 0;
    long uploaded = 0;
    for (String d : blobs) {
      Optional<TransferStats> s = engine.stats(Digest.parse(d));
      if (s.isPresent()) {
        torrents++;
        peers += s.get().peers().size();
        uploaded += s.get().uploaded();
      }
    }
    return new SwarmSnapshot(torrents, peers, uploaded);
  }

  @Override
  public boolean healthy() {
    return runtime.healthy();
  }

  @Override
  public void close() {
    threads.shutdownNow();
    for (Job j : jobs) {
      if (j.distributor != null) {
        j.distributor.close();
      }
    }
    runtime.close();
    engine.close();
  }

  /** A failure with its reason decided where it happened. */
  private static final class JobFailure extends IOException {
    private static final long serialVersionUID = 1L;
    final String reason;

    JobFailure(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }

  private final class Job implements PullJob {
    final JobId id;
    final NodeImageEntry entry;
    final Consumer<PullEvent> events;
    volatile Future<?> future;
    volatile ImageDistributor distributor;
    // The images whose blobs this job fetches, seeds and reports: the resolved image, and its
    // squashed form when the entry asks for one (a worker then fetches only that).
    volatile List<ResolvedImage> images = List.of();
    volatile NodeImagePhase stage = NodeImagePhase.Pending;
    volatile boolean stopped;

    Job(JobId id, NodeImageEntry entry, Consumer<PullEvent> events) {
      this.id = id;
      this.entry = entry;
      this.events = events;
    }

    private void phase(NodeImagePhase p) {
      stage = p;
      events.accept(new PullEvent.PhaseChanged(p));
    }

    void run() {
      boolean bastion = settings.role() == NodeRole.Bastion && entry.getRole() == NodeRole.Bastion;
      boolean resolver = Boolean.TRUE.equals(entry.getResolver());
      try {
        if (resolver && !bastion) {
          throw new JobFailure(
              "NotABastion",
              "this entry asks to resolve, but the agent runs with --role="
                  + settings.role().name().toLowerCase(java.util.Locale.ROOT)
                  + " and may not read the registry");
        }
        ImageReference reference;
        Platform platform;
        try {
          reference = ImageReference.parse(entry.getImage());
          platform = Platform.parse(entry.getPlatform());
        } catch (IllegalArgumentException e) {
          throw new JobFailure("InvalidImage", e.getMessage());
        }
        List<URI> trackers = trackers();
        URI indexUri = settings.index();
        if (indexUri == null && !trackers.isEmpty()) {
          indexUri = trackers.get(0).resolve("/");
        }
        if (!bastion && (indexUri == null || trackers.isEmpty())) {
          throw new JobFailure(
              "NoTracker",
              "a worker gets its bytes from peers only, but neither the entry nor --tracker"
                  + " names a tracker");
        }
        IndexClient index = indexUri == null ? null : new IndexClient(indexUri);
        RegistryClient registry = null;
        if (bastion) {
          CredentialProvider credentials = secrets.credentials(entry.getPullSecrets());
          RegistryClient.Builder builder = RegistryClient.builder().credentials(credentials);
          if (settings.registryRateLimit() != null) {
            builder.downloadRateLimit(settings.registryRateLimit());
          }
          registry = builder.clock(clock).build();
        }
        ImageDistributor d =
            new ImageDistributor(
                registry,
                index,
                engine,
                null,
                store,
                new ImageDistributor.Policy(
                    bastion, trackers, List.of(), settings.swarmWait(), settings.downloadTimeout()),
                clock);
        distributor = d;
        if (stopped) {
          d.close();
          return;
        }
        phase(resolver ? NodeImagePhase.Resolving : NodeImagePhase.Pulling);
        ResolvedImage resolved = d.resolve(reference, platform);
        checkDigest(resolved);
        boolean squash = entry.getFormat() == ImageFormat.SQUASHED;
        Squasher squasher = squash ? new Squasher(store) : null;
        // A bastion squashes from the layers (unless it did before); a worker needs only the
        // squashed layer.
        boolean original = !squash || (bastion && squasher.cached(resolved).isEmpty());
        images = original ? List.of(resolved) : List.of();
        if (resolver && !squash) {
          // Report at once, without infohashes: workers start waiting for each blob's metainfo
          // while this bastion is still fetching, so the fan-out overlaps the registry fetch.
          // (A squashed image's one layer is known only once squashed: it is reported then.)
          events.accept(
              new PullEvent.Resolved(
                  resolved.manifestDigest().toString(), unhashedLayers(resolved)));
        }
        phase(NodeImagePhase.Pulling);
        if (original) {
          d.fetch(resolved);
        }
        ResolvedImage target = resolved;
        if (squash) {
          target = d.resolveSquashed(resolved, squasher, r -> squashed(resolved, r));
          List<ResolvedImage> both = new ArrayList<>(images);
          both.add(target);
          images = List.copyOf(both);
          d.fetch(target);
        }
        if (resolver) {
          events.accept(
              new PullEvent.Resolved(resolved.manifestDigest().toString(), layers(target, index)));
        }
        if (!Boolean.FALSE.equals(entry.getImportToRuntime())) {
          phase(NodeImagePhase.Importing);
          runtime.get().importImage(target, store);
        }
        events.accept(new PullEvent.Done());
      } catch (Throwable t) {
        if (stopped) {
          return;
        }
        PullEvent.Failed failed = classify(t, stage, bastion);
        log.warn(
            "{} attempt {} failed ({}): {}", id.key(), id.attempt(), failed.reason(), t.toString());
        events.accept(failed);
      }
    }

    private void squashed(ResolvedImage original, Squasher.Report r) {
      events.accept(
          new PullEvent.Squashed(r.layers(), r.layerBytes(), r.took().toMillis() / 1000.0));
      log.info(
          "{}: squashed {} layers of {} into {} ({} bytes, {} of {} entries kept) in {} ms",
          id.key(),
          r.layers(),
          original.manifestDigest(),
          r.squashed().layers().get(0).digest(),
          r.layerBytes(),
          r.entriesKept(),
          r.entriesRead(),
          r.took().toMillis());
    }

    private List<URI> trackers() throws JobFailure {
      List<URI> out = new ArrayList<>();
      if (entry.getTrackers() != null) {
        for (String t : entry.getTrackers()) {
          try {
            out.add(URI.create(t));
          } catch (IllegalArgumentException e) {
            throw new JobFailure("InvalidTracker", "tracker URL \"" + t + "\" is invalid");
          }
        }
      }
      return out.isEmpty() ? settings.trackers() : out;
    }

    private void checkDigest(ResolvedImage resolved) throws JobFailure {
      String want = entry.getResolvedDigest();
      if (want != null
          && !want.equals(resolved.manifestDigest().toString())
          && !want.equals(resolved.topDigest().toString())) {
        throw new JobFailure(
            "DigestMismatch",
            entry.getImage()
                + " now resolves to "
                + resolved.manifestDigest()
                + ", but this ImagePull resolved to "
                + want);
      }
    }

    private static List<Layer> unhashedLayers(ResolvedImage resolved) {
      List<Layer> out = new ArrayList<>();
      for (Descriptor layer : resolved.uniqueLayers()) {
        out.add(new Layer(layer.digest().toString(), layer.size(), null));
      }
      return out;
    }

    private List<Layer> layers(ResolvedImage resolved, IndexClient index) throws IOException {
      List<Layer> out = new ArrayList<>();
      for (Descriptor layer : resolved.uniqueLayers()) {
        Metainfo meta = null;
        if (index != null) {
          Optional<byte[]> registered = index.torrent(layer.digest().toString());
          if (registered.isPresent()) {
            meta = Metainfo.parse(layer.digest(), registered.get());
          }
        }
        if (meta == null) {
          Path blob =
              store
                  .find(layer.digest())
                  .orElseThrow(() -> new IOException("blob " + layer.digest() + " vanished"));
          meta = Metainfo.create(layer.digest(), blob);
        }
        out.add(new Layer(layer.digest().toString(), layer.size(), meta.infoHash().hex()));
      }
      return out;
    }

    @Override
    public Transfer transfer() {
      List<ResolvedImage> imgs = images;
      ImageDistributor d = distributor;
      if (imgs.isEmpty() || d == null) {
        return Transfer.NONE;
      }
      long done = 0;
      long total = 0;
      long peers = 0;
      long registry = 0;
      for (ResolvedImage img : imgs) {
        for (BlobProgress p : d.progress(img)) {
          done += Math.min(p.done(), p.total());
          total += p.total();
          peers += p.fromPeers();
          registry += p.fromRegistry();
        }
      }
      return new Transfer(done, total, peers, registry);
    }

    @Override
    public Set<String> blobs() {
      Set<String> out = new LinkedHashSet<>();
      for (ResolvedImage img : images) {
        for (Descriptor b : ImageDistributor.blobs(img)) {
          out.add(b.digest().toString());
        }
      }
      return out;
    }

    @Override
    public void stop(Set<String> stillNeeded) {
      stopped = true;
      jobs.remove(this);
      Future<?> f = future;
      if (f != null) {
        f.cancel(true);
      }
      for (String d : blobs()) {
        if (!stillNeeded.contains(d)) {
          engine.remove(Digest.parse(d));
        }
      }
      ImageDistributor dist = distributor;
      if (dist != null) {
        dist.close();
      }
    }
  }

  /** The CamelCase reason and message for a failed attempt. */
  static PullEvent.Failed classify(Throwable t, NodeImagePhase stage, boolean bastion) {
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    String reason;
    // First: a full disk surfaces inside registry and torrent failures too.
    if (t instanceof NotEnoughSpaceException || DiskFull.causes(t)) {
      reason = "DiskFull";
    } else if (t instanceof JobFailure f) {
      reason = f.reason;
    } else if (t instanceof PullSecretException p) {
      reason = p.reason();
    } else if (t instanceof RegistryException r) {
      reason =
          switch (r.kind()) {
            case NOT_FOUND -> bastion ? "ManifestUnknown" : "NotInIndex";
            case UNAUTHORIZED -> "Unauthorized";
            case UNREACHABLE -> bastion ? "RegistryUnreachable" : "NoPeers";
            case UNSUPPORTED -> "UnsupportedImage";
            case PROTOCOL -> "RegistryError";
          };
    } else if (t instanceof DigestMismatchException) {
      reason = "DigestMismatch";
    } else if (t instanceof UnsupportedLayerException) {
      reason = "UnsupportedImage";

    } else if (t instanceof TorrentDownloadException) {
      reason = "DownloadFailed";
    } else if (t instanceof RuntimeUnavailableException) {
      reason = "RuntimeUnavailable";
    } else if (stage == NodeImagePhase.Importing) {
      reason = "ImportFailed";
    } else if (t instanceof InterruptedIOException) {
      reason = "Interrupted";
    } else {
      reason = "PullFailed";
    }
    return new PullEvent.Failed(stage, reason, message);
  }
}
