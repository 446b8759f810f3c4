package io.quayctl.operator.tracker;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.quayctl.tracker.PeerSelector;
import io.quayctl.tracker.SwarmStats;
import io.quayctl.tracker.TrackerMetrics;
import io.quayctl.tracker.TrackerServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;

/**
 * The tracker and metainfo index of the shared {@code tracker} module, listening on every
 * interface, with its counters on the operator's {@code /metrics}.
 */
public final class OperatorTracker implements EmbeddedTracker {
  private final TrackerServer server;

  /**
   * A tracker (not yet started) on {@code port}, choosing peers with {@code selector} and telling
   * clients {@code announceUrl} (null: from the bound address).
   */
  public OperatorTracker(
      int port, PeerSelector selector, String announceUrl, PrometheusRegistry registry, Clock clock)
      throws IOException {
    TrackerServer.Builder b =
        TrackerServer.builder()
            .bindAddress(InetAddress.getByName("0.0.0.0"))
            .port(port)
            .peerSelector(selector)
            .clock(clock);
    if (announceUrl != null) {
      b.advertisedAnnounceUrl(announceUrl);
    }
    this.server = b.build();
    CounterWithCallback.builder()
        .name("quayctl_tracker_announces_total")
        .help("Announces answered (result=ok) and refused as malformed (result=rejected)")
        .labelNames("result")
        .callback(
            cb -> {
              TrackerMetrics m = metrics();
              cb.call(m.announces(), "ok");
              cb.call(m.rejectedAnnounces(), "rejected");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_tracker_swarms")
        .help("Live swarms (one per blob being shared)")
        .callback(cb -> cb.call(metrics().swarms().size()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quayctl_tracker_peers")
        .help("Live peers over all swarms, by role")
        .labelNames("role")
        .callback(
            cb -> {
              int seeders = 0;
              int leechers = 0;
              for (SwarmStats s : metrics().swarms().values()) {
                seeders += s.seeders();
                leechers += s.leechers();
              }
              cb.call(seeders, "seeder");
              cb.call(leechers, "leecher");
            })
        .register(registry);
  }

  private TrackerMetrics metrics() {
    return server.metrics();
  }

  @Override
  public void start() throws IOException {
    server.start();
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  @Override
  public String announceUrl() {
    return server.announceUrl();
  }

  @Override
  public void close() {
    server.close();
  }
}
