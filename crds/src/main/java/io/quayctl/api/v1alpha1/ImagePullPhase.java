package io.quayctl.api.v1alpha1;

/** The one-word summary of an ImagePull shown by {@code kubectl get}. */
public enum ImagePullPhase {
  /** Nothing handed out yet (no bastion, or no node selected). */
  Pending,
  /** A bastion is resolving the reference to a digest and layers. */
  Resolving,
  /** Resolved; nodes are pulling. */
  Pulling,
  /** Every selected node has the image. */
  Complete,
  /** The request cannot succeed (bad reference, missing secret), or nodes failed for good. */
  Failed
}
