package io.quayctl.tracker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The default {@link PeerSelector}: a uniformly random sample, so load spreads over the swarm. A
 * seeder is given only downloaders, which are the only peers it can help.
 */
public final class RandomPeerSelector implements PeerSelector {
  private final RandomGenerator random;

  /** A selector with its own random source. */
  public RandomPeerSelector() {
    this(new Random());
  }

  /** A selector with the given random source (tests pass a seeded one). */
  public RandomPeerSelector(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public List<Peer> select(AnnounceRequest request, List<Peer> candidates, int numwant) {
    List<Peer> pool = new ArrayList<>(candidates.size());
    for (Peer p : candidates) {
      if (!(request.left() == 0 && p.seeder())) {
        pool.add(p);
      }
    }
    synchronized (this) {
      Collections.shuffle(pool, new Random(random.nextLong()));
    }
    return pool.size() <= numwant ? pool : List.copyOf(pool.subList(0, numwant));
  }
}
