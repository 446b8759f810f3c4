package io.quayctl.agent;

/**
 * Byte counts of one entry's image on this node.
 *
 * @param done bytes present and verified
 * @param total bytes of all the image's blobs (0 until resolved)
 * @param fromPeers bytes received from BitTorrent peers
 * @param fromRegistry bytes received from the registry, directly or as a web seed
 */
public record Transfer(long done, long total, long fromPeers, long fromRegistry) {
  /** Nothing known yet. */
  public static final Transfer NONE = new Transfer(0, 0, 0, 0);
}
