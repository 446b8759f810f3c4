package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.Node;

/**
 * Which nodes are bastions (may read registries): those with label {@code key} set to {@code
 * value}. The chart passes it as {@code --bastion-selector=key=value}, the same label its bastion
 * DaemonSet selects on.
 */
public record BastionSelector(String key, String value) {
  /** {@code quayctl.io/bastion=true}. */
  public static final BastionSelector DEFAULT =
      new BastionSelector(NodeFacts.BASTION_LABEL, "true");

  public BastionSelector {
    if (key == null || key.isBlank() || value == null) {
      throw new IllegalArgumentException("a bastion selector needs a label key and a value");
    }
  }

  /** Parses {@code key=value}. */
  public static BastionSelector parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "bastion selector must be key=value, e.g. quayctl.io/bastion=true, was \"" + text + "\"");
    }
    return new BastionSelector(text.substring(0, eq), text.substring(eq + 1));
  }

  /** Whether {@code node} carries the label. */
  public boolean matches(Node node) {
    return value.equals(NodeFacts.labels(node).get(key));
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
