package io.quayctl.tracker;

/**
 * A resolved manifest as registered in the index.
 *
 * @param mediaType the manifest's media type, as the registering client gave it
 * @param digest {@code sha256:<hex>} of {@code manifest}
 * @param manifest the manifest bytes, unchanged
 */
public record IndexedImage(String mediaType, String digest, byte[] manifest) {

  public IndexedImage {
    manifest = manifest.clone();
  }

  @Override
  public byte[] manifest() {
    return manifest.clone();
  }
}
