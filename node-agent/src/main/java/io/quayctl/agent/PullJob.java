package io.quayctl.agent;

import java.util.Set;

/** The running work of one entry: its thread, then its seeding. */
public interface PullJob {

  /** Byte counts now; cheap, called from the agent's loop every tick. */
  Transfer transfer();

  /** Digests of the blobs this job holds (empty until the image is resolved). */
  Set<String> blobs();

  /**
   * Stops the work and stops seeding every blob not in {@code stillNeeded}; data on disk stays
   * (blobs in the store, partial downloads with their resume data).
   */
  void stop(Set<String> stillNeeded);
}
