package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Picks the bastion that resolves an image. */
public final class Bastions {
  private Bastions() {}

  /**
   * The bastion to resolve on: the current resolver while it is still a usable bastion (so a
   * resolve in flight is not restarted elsewhere), else a usable bastion that is also a target (it
   * fetches the image anyway), else the first usable bastion by name.
   */
  public static Optional<Node> choose(
      Collection<Node> nodes,
      BastionSelector bastions,
      Optional<String> currentResolver,
      Set<String> targets) {
    List<Node> usable =
        nodes.stream()
            .filter(bastions::matches)
            .filter(n -> NodeFacts.unavailableReason(n).isEmpty())
            .sorted(Comparator.comparing(NodeFacts::name))
            .collect(Collectors.toList());
    Optional<Node> current =
        currentResolver.flatMap(
            name -> usable.stream().filter(n -> NodeFacts.name(n).equals(name)).findFirst());
    if (current.isPresent()) {
      return current;
    }
    Optional<Node> target =
        usable.stream().filter(n -> targets.contains(NodeFacts.name(n))).findFirst();
    return target.isPresent() ? target : usable.stream().findFirst();
  }

  /** Says why no bastion can resolve, for the Resolved condition's message. */
  public static String whyNone(Collection<Node> nodes, BastionSelector bastions) {
    List<String> labelled =
        nodes.stream()
            .filter(bastions::matches)
            .sorted(Comparator.comparing(NodeFacts::name))
            .map(n -> NodeFacts.name(n) + " (" + NodeFacts.unavailableReason(n).orElse("?") + ")")
            .collect(Collectors.toList());
    if (labelled.isEmpty()) {
      return "no node is labelled " + bastions + "; only bastions may read the registry";
    }
    return "no bastion can take work: " + String.join(", ", labelled);
  }
}
