package io.quayctl.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * What the agent's loop needs to know.
 *
 * @param nodeName this node; the NodeImage watched has this name
 * @param tick how often progress is polled and seeding deadlines are checked
 * @param statusInterval the least time between two status writes that only report progress
 */
public record AgentConfig(String nodeName, Duration tick, Duration statusInterval) {
  public AgentConfig {
    Objects.requireNonNull(nodeName, "nodeName");
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("the node name is empty");
    }
  }

  /** Defaults: progress every second, written at most every two seconds. */
  public static AgentConfig of(String nodeName) {
    return new AgentConfig(nodeName, Duration.ofSeconds(1), Duration.ofSeconds(2));
  }
}
