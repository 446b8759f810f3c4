package io.quayctl.distribution;

/**
 * A snapshot of one blob's transfer, for display.
 *
 * @param label short name, e.g. the first 12 hex characters of the digest
 * @param state what is happening: {@code checking}, {@code downloading}, {@code seeding}, ...
 * @param done bytes present and verified (by piece)
 * @param total blob size
 * @param downloadRate bytes per second in
 * @param uploadRate bytes per second out
 * @param peers connected peers
 * @param fromPeers bytes received from peers
 * @param fromRegistry bytes received from the registry (directly or as a web seed)
 */
public record BlobProgress(
    String label,
    String state,
    long done,
    long total,
    long downloadRate,
    long uploadRate,
    int peers,
    long fromPeers,
    long fromRegistry) {

  /** Whether every byte is present. */
  public boolean complete() {
    return total > 0 && done >= total;
  }
}
