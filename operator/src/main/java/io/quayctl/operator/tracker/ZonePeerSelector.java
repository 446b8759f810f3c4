package io.quayctl.operator.tracker;

import io.quayctl.tracker.AnnounceRequest;
import io.quayctl.tracker.Peer;
import io.quayctl.tracker.PeerSelector;
import io.quayctl.tracker.RandomPeerSelector;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Hands out peers in the announcing node's zone first ({@code topology.kubernetes.io/zone} of the
 * node whose address announced), then the others; each group in random order, so load spreads
 * within the zone. Peers and announcers of unknown zone count as another zone.
 */
public final class ZonePeerSelector implements PeerSelector {
  private final Function<InetAddress, Optional<String>> zoneOf;
  private final PeerSelector shuffle;

  /** A selector that looks zones up with {@code zoneOf}. */
  public ZonePeerSelector(Function<InetAddress, Optional<String>> zoneOf) {
    this(zoneOf, new RandomPeerSelector());
  }

  /** A selector that orders within each group with {@code shuffle} (tests pass a seeded one). */
  public ZonePeerSelector(Function<InetAddress, Optional<String>> zoneOf, PeerSelector shuffle) {
    this.zoneOf = zoneOf;
    this.shuffle = shuffle;
  }

  @Override
  public List<Peer> select(AnnounceRequest request, List<Peer> candidates, int numwant) {
    // All useful candidates in random order (a seeder is given only downloaders).
    List<Peer> shuffled = shuffle.select(request, candidates, candidates.size());
    Optional<String> zone = zoneOf.apply(request.address().getAddress());
    if (zone.isEmpty()) {
      return shuffled.size() <= numwant ? shuffled : List.copyOf(shuffled.subList(0, numwant));
    }
    List<Peer> near = new ArrayList<>();
    List<Peer> far = new ArrayList<>();
    for (Peer p : shuffled) {
      (Objects.equals(zoneOf.apply(p.ip()).orElse(null), zone.get()) ? near : far).add(p);
    }
    List<Peer> out = new ArrayList<>(Math.min(numwant, shuffled.size()));
    for (Peer p : near) {
      if (out.size() == numwant) {
        return out;
      }
      out.add(p);
    }
    for (Peer p : far) {
      if (out.size() == numwant) {
        return out;
      }
      out.add(p);
    }
    return out;
  }
}
