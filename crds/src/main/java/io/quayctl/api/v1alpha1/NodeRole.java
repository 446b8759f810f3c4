package io.quayctl.api.v1alpha1;

/** What a node may do for one image. */
public enum NodeRole {
  /** May read the registry (with the pull secrets), web-seed from it, and seed to workers. */
  Bastion,
  /** Gets every byte from peers; never talks to the registry. */
  Worker
}
