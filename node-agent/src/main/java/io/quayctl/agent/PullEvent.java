package io.quayctl.agent;

import io.quayctl.api.v1alpha1.Layer;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.util.List;

/** What a job reports to the agent's loop. */
public sealed interface PullEvent {

  /** The job moved on to {@code phase} (Resolving, Pulling or Importing). */
  record PhaseChanged(NodeImagePhase phase) implements PullEvent {}

  /** The resolver has every blob and publishes what the image resolved to. */
  record Resolved(String digest, List<Layer> layers) implements PullEvent {
    public Resolved {
      layers = List.copyOf(layers);
    }
  }

  /**
   * This node squashed the image (format squashed, on a bastion).
   *
   * @param layers layers squashed
   * @param layerBytes the squashed layer's compressed size
   * @param seconds how long the squash took
   */
  record Squashed(int layers, long layerBytes, double seconds) implements PullEvent {}

  /** Every blob is verified (and imported unless the entry says not to); now seeding. */
  record Done() implements PullEvent {}

  /**
   * The attempt failed.
   *
   * @param stage the phase the job was in
   * @param reason CamelCase cause, e.g. {@code SecretNotFound}
   * @param message for people
   */
  record Failed(NodeImagePhase stage, String reason, String message) implements PullEvent {}
}
