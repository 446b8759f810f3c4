package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.util.Map;
import java.util.Optional;

/** What the planner needs to know about a Node, read from its labels, spec and status. */
public final class NodeFacts {
  /** Nodes with this label set to {@code "true"} may talk to registries (the default selector). */
  public static final String BASTION_LABEL = "quayctl.io/bastion";

  private NodeFacts() {}

  /** The node's name. */
  public static String name(Node node) {
    return node.getMetadata().getName();
  }

  /** The node's labels, never null. */
  public static Map<String, String> labels(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /** Why the node cannot take new work (NotReady, Unschedulable), or empty if it can. */
  public static Optional<String> unavailableReason(Node node) {
    if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      return Optional.of("Unschedulable");
    }
    boolean ready =
        node.getStatus() != null
            && node.getStatus().getConditions() != null
            && node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getStatus)
                .anyMatch("True"::equals);
    return ready ? Optional.empty() : Optional.of("NotReady");
  }

  /** The node's platform as {@code os/arch}, from the well-known labels or its node info. */
  public static String platform(Node node) {
    Map<String, String> labels = labels(node);
    String os = labels.get("kubernetes.io/os");
    String arch = labels.get("kubernetes.io/arch");
    if (node.getStatus() != null && node.getStatus().getNodeInfo() != null) {
      if (os == null) {
        os = node.getStatus().getNodeInfo().getOperatingSystem();
      }
      if (arch == null) {
        arch = node.getStatus().getNodeInfo().getArchitecture();
      }
    }
    return (os == null ? "linux" : os) + "/" + (arch == null ? "amd64" : arch);
  }
}
