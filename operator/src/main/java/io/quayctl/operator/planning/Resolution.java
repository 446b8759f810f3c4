package io.quayctl.operator.planning;

import io.quayctl.api.v1alpha1.Layer;
import java.util.List;

/** How far resolving the image reference to a digest and layers has come. */
public record Resolution(
    State state,
    String resolverNode,
    String digest,
    List<Layer> layers,
    String platform,
    String reason,
    String message) {

  /** The resolve step's states. */
  public enum State {
    /** Not attempted: the spec is invalid. */
    NOT_STARTED,
    /** No bastion can take the resolve step. */
    NO_BASTION,
    /** A bastion has the resolve entry and has not reported a digest yet. */
    RESOLVING,
    /** Digest and layers are known. */
    RESOLVED,
    /** The resolver failed on its last allowed attempt. */
    FAILED
  }

  static Resolution of(State state, String reason, String message) {
    return new Resolution(state, null, null, List.of(), null, reason, message);
  }
}
