package io.quayctl.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One peer of a swarm as the tracker last heard of it.
 *
 * @param peerId the 20-byte peer id, hex-encoded
 * @param address where other peers can connect to it
 * @param left bytes it still needs ({@code 0}: a seeder)
 * @param lastAnnounce when it last announced
 */
public record Peer(String peerId, InetSocketAddress address, long left, Instant lastAnnounce) {

  /** Whether the peer has the whole content. */
  public boolean seeder() {
    return left == 0;
  }

  /** The peer's IP address. */
  public InetAddress ip() {
    return address.getAddress();
  }
}
