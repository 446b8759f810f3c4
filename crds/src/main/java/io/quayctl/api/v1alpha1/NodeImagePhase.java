package io.quayctl.api.v1alpha1;

/** Where one node is with one image, as its agent reports it. */
public enum NodeImagePhase {
  /** Seen, not started. */
  Pending,
  /** Resolver only: asking the registry for the manifest. */
  Resolving,
  /** Fetching layers. */
  Pulling,
  /** Layers verified; importing into the container runtime. */
  Importing,
  /** In the runtime, and seeding to peers. */
  Seeding,
  /** In the runtime; seeding has ended. */
  Complete,
  /** This attempt failed; reason and message say why. */
  Failed;

  /** Whether the node has the image (or, with importToRuntime false, holds all its layers). */
  public boolean hasImage() {
    return this == Seeding || this == Complete;
  }
}
