package io.quayctl.operator.tracker;

/** A tracker (BEP 3 announce, compact peers) and metainfo index run inside the operator. */
public interface EmbeddedTracker extends AutoCloseable {
  /** Starts serving announces on the configured port. */
  void start() throws Exception;

  /** The announce URL agents should use. */
  String announceUrl();

  /** Stops serving. */
  @Override
  void close();
}
