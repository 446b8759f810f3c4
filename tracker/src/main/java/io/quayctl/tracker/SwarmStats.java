package io.quayctl.tracker;

/**
 * The size of one swarm.
 *
 * @param seeders peers with the whole content
 * @param leechers peers still downloading
 * @param completed how many downloads completed since the tracker started
 */
public record SwarmStats(int seeders, int leechers, long completed) {

  /** Every live peer of the swarm. */
  public int peers() {
    return seeders + leechers;
  }
}
