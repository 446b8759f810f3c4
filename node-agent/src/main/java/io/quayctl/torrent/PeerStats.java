package io.quayctl.torrent;

/**
 * One connection of a torrent, as last polled.
 *
 * @param endpoint the remote {@code ip:port} (for incoming connections, the peer's source port)
 * @param client the client's self-reported name
 * @param webSeed whether this is a BEP 19 web seed rather than a BitTorrent peer
 * @param seed whether the peer has the whole blob
 * @param downloaded payload bytes received from it on this connection
 * @param uploaded payload bytes sent to it on this connection
 */
public record PeerStats(
    String endpoint,
    String client,
    boolean webSeed,
    boolean seed,
    long downloaded,
    long uploaded) {}
