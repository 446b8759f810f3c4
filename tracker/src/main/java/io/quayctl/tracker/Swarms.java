package io.quayctl.tracker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tracker's peer table: who is in which swarm. A peer that has not announced for {@code
 * peerTimeout} (a few missed announce intervals) is dropped. Thread-safe.
 */
final class Swarms {
  private final Clock clock;
  private final Duration peerTimeout;
  private final Map<String, Swarm> swarms = new HashMap<>();

  private static final class Swarm {
    final LinkedHashMap<String, Peer> peers = new LinkedHashMap<>();
    long completed;
  }

  Swarms(Clock clock, Duration peerTimeout) {
    this.clock = clock;
    this.peerTimeout = peerTimeout;
  }

  /**
   * Records an announce and returns the other live peers of its swarm (none for {@code stopped}).
   */
  synchronized List<Peer> announce(AnnounceRequest request) {
    Instant now = clock.instant();
    Swarm swarm = swarms.computeIfAbsent(request.infoHash(), k -> new Swarm());
    expire(swarm, now);
    Peer previous = swarm.peers.remove(request.peerId());
    if (request.event() == AnnounceRequest.Event.STOPPED) {
      if (swarm.peers.isEmpty()) {
        swarms.remove(request.infoHash());
      }
      return List.of();
    }
    // A restarted client comes back with a new peer id from the same endpoint: forget the old one.
    swarm.peers.values().removeIf(p -> p.address().equals(request.address()));
    long left = request.left() < 0 && previous != null ? previous.left() : request.left();
    if (request.event() == AnnounceRequest.Event.COMPLETED
        || (left == 0 && previous != null && previous.left() != 0)) {
      swarm.completed++;
    }
    Peer peer = new Peer(request.peerId(), request.address(), left, now);
    List<Peer> others = new ArrayList<>(swarm.peers.values());
    swarm.peers.put(peer.peerId(), peer);
    return others;
  }

  /** The current size of one swarm. */
  synchronized SwarmStats stats(String infoHash) {
    Swarm swarm = swarms.get(infoHash);
    if (swarm == null) {
      return new SwarmStats(0, 0, 0);
    }
    expire(swarm, clock.instant());
    return statsOf(swarm);
  }

  /** Drops expired peers and empty swarms; returns the sizes of the remaining swarms. */
  synchronized Map<String, SwarmStats> sweep() {
    Instant now = clock.instant();
    Map<String, SwarmStats> result = new HashMap<>();
    for (Iterator<Map.Entry<String, Swarm>> it = swarms.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Swarm> e = it.next();
      expire(e.getValue(), now);
      if (e.getValue().peers.isEmpty()) {
        it.remove();
      } else {
        result.put(e.getKey(), statsOf(e.getValue()));
      }
    }
    return result;
  }

  private void expire(Swarm swarm, Instant now) {
    Instant cutoff = now.minus(peerTimeout);
    swarm.peers.values().removeIf(p -> p.lastAnnounce().isBefore(cutoff));
  }

  private static SwarmStats statsOf(Swarm swarm) {
    int seeders = 0;
    for (Peer p : swarm.peers.values()) {
      if (p.seeder()) {
        seeders++;
      }
    }
    return new SwarmStats(seeders, swarm.peers.size() - seeders, swarm.completed);
  }
}
