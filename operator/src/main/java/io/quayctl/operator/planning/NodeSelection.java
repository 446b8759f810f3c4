package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.Node;
import io.quayctl.api.v1alpha1.ImagePullSpec;
import io.quayctl.api.v1alpha1.NodeReason;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The nodes an ImagePull selects, split into targets and skipped nodes with the reason. */
public record NodeSelection(List<Node> targets, List<NodeReason> skipped) {

  /**
   * Selects by {@code nodeSelector} or {@code nodeNames} (either matching is enough; neither set
   * selects every node). A selected node that is NotReady or unschedulable is skipped, unless it
   * already has this image's entry: work it started is not taken away while it is briefly down.
   */
  public static NodeSelection select(
      ImagePullSpec spec, Collection<Node> nodes, Set<String> nodesWithEntry) {
    Set<String> names =
        spec.getNodeNames() == null ? Set.of() : new LinkedHashSet<>(spec.getNodeNames());
    boolean everyNode = spec.getNodeSelector() == null && names.isEmpty();
    List<Node> targets = new ArrayList<>();
    List<NodeReason> skipped = new ArrayList<>();
    List<Node> sorted =
        nodes.stream().sorted(Comparator.comparing(NodeFacts::name)).collect(Collectors.toList());
    for (Node node : sorted) {
      String name = NodeFacts.name(node);
      boolean selected =
          everyNode
              || names.contains(name)
              || (spec.getNodeSelector() != null
                  && LabelSelectors.matches(spec.getNodeSelector(), NodeFacts.labels(node)));
      if (!selected) {
        continue;
      }
      Optional<String> unavailable = NodeFacts.unavailableReason(node);
      if (unavailable.isPresent() && !nodesWithEntry.contains(name)) {
        skipped.add(
            new NodeReason(
                name,
                unavailable.get(),
                "node is "
                    + (unavailable.get().equals("NotReady") ? "not Ready" : "cordoned")
                    + "; it gets the image once it can take work"));
      } else {
        targets.add(node);
      }
    }
    Set<String> existing = sorted.stream().map(NodeFacts::name).collect(Collectors.toSet());
    for (String name : names) {
      if (!existing.contains(name)) {
        skipped.add(new NodeReason(name, "NodeNotFound", "no node of that name exists"));
      }
    }
    return new NodeSelection(List.copyOf(targets), List.copyOf(skipped));
  }
}
