package io.quayctl.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent's Prometheus metrics. The loop thread feeds them; scrapes read the last values. Byte
 * counters are fed deltas of the per-entry counts, so they only ever grow.
 */
public final class AgentMetrics {
  private final Counter downloaded;
  private final Counter uploaded;
  private final Counter pulls;
  private final Counter importFailures;
  private final Histogram pullDuration;
  private final Histogram squashDuration;
  private final Counter squashedBytes;
  private final Counter evictedBytes;
  private final Counter evictedFiles;
  private volatile Puller.SwarmSnapshot swarm = Puller.SwarmSnapshot.NONE;
  private volatile Map<NodeImagePhase, Integer> entries = Map.of();
  private volatile StoreUsage store;
  private long uploadedSeen;

  /** Registers the metrics in {@code registry}. */
  public AgentMetrics(PrometheusRegistry registry) {
    downloaded =
        Counter.builder()
            .name("quayctl_agent_downloaded_bytes_total")
            .help("Image bytes this node received, by source (peer or registry)")
            .labelNames("source")
            .register(registry);
    uploaded =
        Counter.builder()
            .name("quayctl_agent_uploaded_bytes_total")
            .help("Payload bytes this node sent to peers")
            .register(registry);
    pulls =
        Counter.builder()
            .name("quayctl_agent_pulls_total")
            .help("Finished pull attempts by result (succeeded or the failure reason)")
            .labelNames("result")
            .register(registry);
    importFailures =
        Counter.builder()
            .name("quayctl_agent_import_failures_total")
            .help("Imports into the container runtime that failed")
            .register(registry);
    pullDuration =
        Histogram.builder()
            .name("quayctl_agent_pull_duration_seconds")
            .help("From the start of an attempt until the image is verified and imported")
            .classicUpperBounds(1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
            .register(registry);
    squashDuration =
        Histogram.builder()
            .name("quayctl_agent_squash_duration_seconds")
            .help("Squashing an image's layers into one (format squashed, on bastions)")
            .classicUpperBounds(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
            .register(registry);
    squashedBytes =
        Counter.builder()
            .name("quayctl_agent_squashed_bytes_total")
            .help("Compressed bytes of the squashed layers this node made")
            .register(registry);
    evictedBytes =
        Counter.builder()
            .name("quayctl_agent_evicted_bytes_total")
            .help("Bytes of blobs and stale partial downloads deleted to keep within --store-limit")
            .register(registry);
    evictedFiles =
        Counter.builder()
            .name("quayctl_agent_evicted_files_total")
            .help("Blobs and stale partial downloads deleted to keep within --store-limit")
            .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_agent_store_bytes")
        .help("Bytes in the blob store, partial downloads included, as of the last check")
        .callback(cb -> ifMeasured(u -> cb.call(u.bytes())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_agent_store_limit_bytes")
        .help("The blob store's limit (--store-limit)")
        .callback(cb -> ifMeasured(u -> cb.call(u.limit())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_agent_store_over_limit_bytes")
        .help("Bytes over --store-limit that cannot be evicted because entries need them")
        .callback(cb -> ifMeasured(u -> cb.call(u.overLimit())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_agent_active_torrents")
        .help("Blobs being downloaded or seeded")
        .callback(cb -> cb.call(swarm.torrents()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_agent_peers")
        .help("Peer connections over all torrents")
        .callback(cb -> cb.call(swarm.peers()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_agent_entries")
        .help("NodeImage entries of this node by phase")
        .labelNames("phase")
        .callback(
            cb -> {
              Map<NodeImagePhase, Integer> now = entries;
              for (NodeImagePhase p : NodeImagePhase.values()) {
                cb.call(now.getOrDefault(p, 0), p.name());
              }
            })
        .register(registry);
  }

  /** Adds bytes received since the last call. */
  void downloaded(long fromPeers, long fromRegistry) {
    if (fromPeers > 0) {
      downloaded.labelValues("peer").inc(fromPeers);
    }
    if (fromRegistry > 0) {
      downloaded.labelValues("registry").inc(fromRegistry);
    }
  }

  /** Takes the engine's swarm counters. */
  void swarm(Puller.SwarmSnapshot snapshot) {
    swarm = snapshot;
    if (snapshot.uploaded() > uploadedSeen) {
      uploaded.inc(snapshot.uploaded() - uploadedSeen);
    }
    // Torrents that were removed take their counts with them; count on from the new total.
    uploadedSeen = snapshot.uploaded();
  }

  /** Records the phases of all entries. */
  void entries(Map<NodeImagePhase, Integer> byPhase) {
    entries = new EnumMap<>(byPhase.isEmpty() ? Map.of(NodeImagePhase.Pending, 0) : byPhase);
  }

  /** Records what a store check found and deleted. */
  void store(BlobEvictor.Result result, long limit) {
    if (result.evictedBytes() > 0) {
      evictedBytes.inc(result.evictedBytes());
    }
    if (result.evictedFiles() > 0) {
      evictedFiles.inc(result.evictedFiles());
    }
    store = new StoreUsage(result.storeBytes(), limit, result.shortfall());
  }

  private void ifMeasured(Consumer<StoreUsage> report) {
    StoreUsage now = store;
    if (now != null) {
      report.accept(now);
    }
  }

  private record StoreUsage(long bytes, long limit, long overLimit) {}

  /** Records a finished attempt. */
  void pullSucceeded(double seconds) {
    pulls.labelValues("succeeded").inc();
    pullDuration.observe(seconds);
  }

  /** Records a squash this node made. */
  void squashed(double seconds, long layerBytes) {
    squashDuration.observe(seconds);
    squashedBytes.inc(layerBytes);
  }

  /** Records a failed attempt. */
  void pullFailed(PullEvent.Failed failed) {
    pulls.labelValues(failed.reason()).inc();
    if (failed.stage() == NodeImagePhase.Importing) {
      importFailures.inc();
    }
  }
}
