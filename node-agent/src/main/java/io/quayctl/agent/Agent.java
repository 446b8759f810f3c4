package io.quayctl.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quayctl.api.Digest;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.kube.NodeImageStatusWriter;
import io.quayctl.kube.NodeImageWatcher;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: keeps this node's images as its NodeImage asks. One loop thread owns every
 * entry's state ({@link EntryStates}) and the running jobs; the NodeImage watch, job events and a
 * timer only queue work for it. Construction does no I/O; {@link #start()} connects.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Puller puller;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final NodeImageWatcher watcher;
  private final NodeImageStatusWriter writer;
  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final EntryStates states;
  private final Map<String, PullJob> jobs = new HashMap<>();
  private final Map<String, Instant> started = new HashMap<>();
  private final Map<String, Transfer> counted = new HashMap<>();
  private final BlobEvictor evictor;
  private boolean specSeen;
  private boolean evictionDue;
  private Instant nextEviction;
  private volatile Instant lastTick;
  private volatile boolean running;
  private Thread loop;

  /** An agent for {@code config.nodeName()} that leaves the blob store's size alone. */
  public Agent(
      AgentConfig config,
      KubernetesClient client,
      Puller puller,
      AgentMetrics metrics,
      Clock clock) {
    this(config, client, puller, metrics, clock, null);
  }

  /**
   * An agent for {@code config.nodeName()}, talking to the API server through {@code client}; with
   * an {@code evictor}, the blob store is kept within its limit (checked every {@link
   * BlobEvictor#interval()} and whenever an entry goes or finishes its work).
   */
  public Agent(
      AgentConfig config,
      KubernetesClient client,
      Puller puller,
      AgentMetrics metrics,
      Clock clock,
      BlobEvictor evictor) {
    this.config = config;
    this.puller = puller;
    this.metrics = metrics;
    this.clock = clock;
    this.evictor = evictor;
    this.states = new EntryStates(clock);
    this.watcher =
        new NodeImageWatcher(client, config.nodeName(), ni -> post(() -> onNodeImage(ni)));
    this.writer =
        new NodeImageStatusWriter(client, config.nodeName(), clock, config.statusInterval());
  }

  /** Starts the puller, the loop, the status writer and the watch. */
  public void start() throws IOException {
    puller.start();
    running = true;
    lastTick = clock.instant();
    nextEviction = lastTick;
    loop = new Thread(this::runLoop, "agent-loop");
    loop.setDaemon(true);
    loop.start();
    writer.start();
    watcher.start();
    log.info("agent for node {} started", config.nodeName());
  }

  /** Live: the loop keeps ticking, the watch runs and the runtime (once used) answers. */
  public boolean healthy() {
    Instant last = lastTick;
    boolean ticking =
        last != null
            && Duration.between(last, clock.instant()).compareTo(config.tick().multipliedBy(10))
                < 0;
    return running && ticking && watcher.isWatching() && puller.healthy();
  }

  /** Status writes that reached the API server. */
  public long statusWrites() {
    return writer.writes();
  }

  private void post(Runnable event) {
    queue.add(event);
  }

  private void runLoop() {
    long tickMillis = config.tick().toMillis();
    long nextTick = System.nanoTime();
    while (running) {
      try {
        long wait = TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime());
        Runnable event = wait > 0 ? queue.poll(wait, TimeUnit.MILLISECONDS) : null;
        if (event != null) {
          event.run();
        } else {
          tick();
          nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tickMillis);
        }
        report();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // One bad event must not stop the node from serving its other images.
        log.error("agent loop event failed", e);
      }
    }
  }

  private void onNodeImage(Optional<NodeImage> nodeImage) {
    List<NodeImageEntry> entries =
        nodeImage.map(NodeImage::getSpec).map(s -> s.getImages()).orElse(List.of());
    List<NodeImageEntryStatus> reported =
        nodeImage.map(NodeImage::getStatus).map(s -> s.getImages()).orElse(List.of());
    specSeen = true;
    execute(states.onSpec(entries, reported));
  }

  private void onJobEvent(JobId id, PullEvent event) {
    boolean current = states.isCurrent(id);
    PullJob job = jobs.get(id.key());
    if (job != null) {
      states.onBlobs(id, job.blobs());
      // The counts as of this event: a Done must report every byte, not those of the last tick.
      states.onTransfer(id, job.transfer());
    }
    List<EntryStates.Command> commands = states.onEvent(id, event);
    if (current) {
      if (event instanceof PullEvent.Done) {
        Instant t0 = started.get(id.key());
        if (t0 != null) {
          metrics.pullSucceeded(Duration.between(t0, clock.instant()).toMillis() / 1000.0);
        }
        log.info("{} attempt {}: image ready, seeding", id.key(), id.attempt());
        evictionDue = true;
      } else if (event instanceof PullEvent.Failed f) {
        metrics.pullFailed(f);
      } else if (event instanceof PullEvent.Squashed s) {
        metrics.squashed(s.seconds(), s.layerBytes());
      }
    }
    execute(commands);
  }

  private void tick() {
    lastTick = clock.instant();
    for (JobId id : states.active()) {
      PullJob job = jobs.get(id.key());
      if (job == null) {
        continue;
      }
      Transfer t = job.transfer();
      states.onTransfer(id, t);
      states.onBlobs(id, job.blobs());
      Transfer before = counted.getOrDefault(id.key(), Transfer.NONE);
      metrics.downloaded(
          Math.max(0, t.fromPeers() - before.fromPeers()),
          Math.max(0, t.fromRegistry() - before.fromRegistry()));
      counted.put(id.key(), t);
    }
    execute(states.onTick());
    metrics.swarm(puller.swarm());
    evictIfDue();
  }

  /**
   * Runs the evictor when an entry went or finished, or its interval passed, and every entry's
   * blobs are known. Not before the watch has delivered this node's NodeImage: until then nothing
   * is known to be needed, which is not the same as nothing being needed. Here on the loop thread
   * no job can start between the choice of what is in use and the deletion.
   */
  private void evictIfDue() {
    if (evictor == null || !specSeen || (!evictionDue && clock.instant().isBefore(nextEviction))) {
      return;
    }
    Optional<Set<String>> needed = states.blobsInUse();
    if (needed.isEmpty()) {
      log.debug("store check deferred: an entry has not resolved its image yet");
      return;
    }
    Set<Digest> inUse = new HashSet<>();
    for (String d : needed.get()) {
      try {
        inUse.add(Digest.parse(d));
      } catch (IllegalArgumentException e) {
        // Not a sha256 digest: no file of the store can be named by it.
      }
    }
    evictionDue = false;
    nextEviction = clock.instant().plus(evictor.interval());
    try {
      metrics.store(evictor.run(inUse), evictor.limitBytes());
    } catch (IOException e) {
      log.warn("cannot check the blob store's size: {}", e.toString());
    }
  }

  private void report() {
    List<NodeImageEntryStatus> report = states.report();
    Map<NodeImagePhase, Integer> byPhase = new EnumMap<>(NodeImagePhase.class);
    report.forEach(r -> byPhase.merge(r.getPhase(), 1, Integer::sum));
    metrics.entries(byPhase);
    writer.offer(report);
  }

  private void execute(List<EntryStates.Command> commands) {
    for (EntryStates.Command c : commands) {
      if (c instanceof EntryStates.Stop stop) {
        PullJob job = jobs.remove(stop.key());
        started.remove(stop.key());
        counted.remove(stop.key());
        evictionDue = true;
        if (job != null) {
          Set<String> stillNeeded = new HashSet<>();
          jobs.values().forEach(j -> stillNeeded.addAll(j.blobs()));
          job.stop(stillNeeded);
          log.info("{}: stopped", stop.key());
        }
      } else if (c instanceof EntryStates.Start start) {
        JobId id = start.id();
        log.info(
            "{} attempt {}: {} {} ({})",
            id.key(),
            id.attempt(),
            Boolean.TRUE.equals(start.entry().getResolver()) ? "resolving" : "pulling",
            start.entry().getImage(),
            start.entry().getRole());
        started.put(id.key(), clock.instant());
        jobs.put(id.key(), puller.start(id, start.entry(), e -> post(() -> onJobEvent(id, e))));
      }
    }
  }

  @Override
  public void close() {
    running = false;
    watcher.close();
    if (loop != null) {
      loop.interrupt();
      try {
        loop.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writer.close();
    puller.close();
  }
}
