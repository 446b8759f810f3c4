package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/**
 * The operator-wide settings the planner applies where an ImagePull says nothing.
 *
 * @param bastions which nodes are bastions
 * @param trackers announce URLs for entries of ImagePulls without {@code spec.trackers}: the
 *     external trackers, else the operator's own
 * @param seedDuration {@code seed.duration} for ImagePulls without one; null = seed while the
 *     ImagePull exists
 * @param parallelism {@code parallelism} for ImagePulls without one; null = all at once
 */
public record PlanDefaults(
    BastionSelector bastions, List<String> trackers, String seedDuration, IntOrString parallelism) {
  /** The default bastion label, no trackers, no seed limit, no parallelism limit. */
  public static final PlanDefaults NONE =
      new PlanDefaults(BastionSelector.DEFAULT, List.of(), null, null);

  public PlanDefaults {
    trackers = List.copyOf(trackers);
  }
}
