package io.quayctl.tracker;

import java.util.List;

/**
 * Chooses which peers an announce gets back, and in what order. The operator plugs in one that
 * prefers peers in the announcing node's zone.
 */
@FunctionalInterface
public interface PeerSelector {

  /**
   * Returns at most {@code numwant} peers from {@code candidates} (the swarm without the announcing
   * peer itself), best first. Must not modify {@code candidates}.
   */
  List<Peer> select(AnnounceRequest request, List<Peer> candidates, int numwant);
}
