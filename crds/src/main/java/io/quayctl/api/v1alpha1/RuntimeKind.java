package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The container runtime the image is imported into; {@code auto} lets the agent detect it. */
public enum RuntimeKind {
  @JsonProperty("auto")
  AUTO,
  @JsonProperty("containerd")
  CONTAINERD,
  @JsonProperty("docker")
  DOCKER
}
