package io.quayctl.agent;

import io.quayctl.api.v1alpha1.NodeImageEntry;
import java.io.IOException;
import java.util.function.Consumer;

/** Does the work of NodeImage entries: resolve, fetch, verify, import, seed. */
public interface Puller extends AutoCloseable {

  /** Opens what the work needs (the torrent session); construction does no I/O. */
  void start() throws IOException;

  /**
   * Starts the work of one entry on another thread; {@code events} receives its progress and must
   * only queue it.
   */
  PullJob start(JobId id, NodeImageEntry entry, Consumer<PullEvent> events);

  /** Swarm counters over the blobs of current jobs, for metrics. */
  SwarmSnapshot swarm();

  /** Whether the parts the work depends on answer (the container runtime, once opened). */
  boolean healthy();

  @Override
  void close();

  /**
   * Swarm counters.
   *
   * @param torrents blobs being downloaded or seeded
   * @param peers connections over all of them
   * @param uploaded payload bytes uploaded, over the blobs' lifetime in the engine
   */
  record SwarmSnapshot(int torrents, int peers, long uploaded) {
    /** Nothing active. */
    public static final SwarmSnapshot NONE = new SwarmSnapshot(0, 0, 0);
  }
}
