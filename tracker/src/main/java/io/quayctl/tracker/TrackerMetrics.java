package io.quayctl.tracker;

import java.util.Map;

/**
 * A snapshot of the tracker's counters, for export by the embedding process.
 *
 * @param announces announces answered since start (failed ones excluded)
 * @param rejectedAnnounces announces refused as malformed
 * @param scrapes scrapes answered since start
 * @param swarms live swarms by hex infohash
 */
public record TrackerMetrics(
    long announces, long rejectedAnnounces, long scrapes, Map<String, SwarmStats> swarms) {

  public TrackerMetrics {
    swarms = Map.copyOf(swarms);
  }

  /** Live peers over all swarms. */
  public int peers() {
    return swarms.values().stream().mapToInt(SwarmStats::peers).sum();
  }
}
