package io.quayctl.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.util.EnumMap;
import java.util.Map;

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
  private volatile Puller.SwarmSnapshot swarm = Puller.SwarmSnapshot.NONE;
  private volatile Map<NodeImagePhase, Integer> entries = Map.of();
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

  /** Records a finished attempt. */
  void pullSucceeded(double seconds) {
    pulls.labelValues("succeeded").inc();
    pullDuration.observe(seconds);
  }

  /** Records a failed attempt. */
  void pullFailed(PullEvent.Failed failed) {
    pulls.labelValues(failed.reason()).inc();
    if (failed.stage() == NodeImagePhase.Importing) {
      importFailures.inc();
    }
  }
}
