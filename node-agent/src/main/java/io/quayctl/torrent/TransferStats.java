package io.quayctl.torrent;

import io.quayctl.api.Digest;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transfer counters of one blob since the engine took it up (across download and seeding).
 *
 * @param digest the blob
 * @param state where it is
 * @param size the blob's size
 * @param have bytes verified and present locally
 * @param fromPeers payload bytes downloaded from BitTorrent peers
 * @param fromWebSeed payload bytes downloaded from the web seed
 * @param uploaded payload bytes uploaded to peers
 * @param failedBytes bytes that failed the piece hash check (bad peers)
 * @param downloadRate current payload download rate, bytes per second
 * @param uploadRate current payload upload rate, bytes per second
 * @param peers current connections
 * @param fromPeersByEndpoint payload bytes received from each peer ({@code ip:port}), counted by
 *     block as they arrived: exact, unlike the sampled counters of {@code peers}
 * @param banned peers banned for sending data that failed its hash check
 */
public record TransferStats(
    Digest digest,
    State state,
    long size,
    long have,
    long fromPeers,
    long fromWebSeed,
    long uploaded,
    long failedBytes,
    long downloadRate,
    long uploadRate,
    List<PeerStats> peers,
    Map<String, Long> fromPeersByEndpoint,
    Set<String> banned) {

  /** Where a blob is in its life in the engine. */
  public enum State {
    /** Checking existing data on disk. */
    CHECKING,
    DOWNLOADING,
    /** All pieces are in; the whole blob is being hashed and committed. */
    VERIFYING,
    SEEDING,
    FAILED
  }

  public TransferStats {
    peers = List.copyOf(peers);
    fromPeersByEndpoint = Map.copyOf(fromPeersByEndpoint);
    banned = Set.copyOf(banned);
  }

  /** Payload bytes downloaded from any source. */
  public long downloaded() {
    return fromPeers + fromWebSeed;
  }
}
