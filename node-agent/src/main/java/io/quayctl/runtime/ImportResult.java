package io.quayctl.runtime;

/**
 * What an import did.
 *
 * @param outcome whether bytes were sent to the runtime
 * @param imageId the runtime's id for the image (config digest for Docker)
 * @param layersSent how many layer blobs were sent to the runtime
 * @param layersSkipped how many layers the runtime already had
 */
public record ImportResult(Outcome outcome, String imageId, int layersSent, int layersSkipped) {

  /** Whether the import changed the runtime. */
  public enum Outcome {
    IMPORTED,
    ALREADY_PRESENT
  }
}
