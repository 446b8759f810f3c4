package io.quayctl.operator.planning;

/** One target node's state, with the reason when it failed or is being retried. */
public record NodeProgress(String node, NodeState state, String reason, String message) {

  /** A node in {@code state} with nothing more to say. */
  public static NodeProgress of(String node, NodeState state) {
    return new NodeProgress(node, state, null, null);
  }
}
