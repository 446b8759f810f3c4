package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an image is distributed: one torrent per layer, or one squashed layer. */
public enum ImageFormat {
  @JsonProperty("layers")
  LAYERS,
  @JsonProperty("squashed")
  SQUASHED
}
