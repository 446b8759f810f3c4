package io.quayctl.operator.planning;

/** Where one target node is with one ImagePull, as the operator judges it. */
public enum NodeState {
  /** Selected, but not handed the image yet (waiting for resolution or a parallelism slot). */
  WAITING,
  /** Handed the image; the agent is working on it (or a retry was just issued). */
  IN_PROGRESS,
  /** The agent reports the image is in the runtime. */
  SUCCEEDED,
  /** Failed or timed out on its last allowed attempt. */
  FAILED
}
