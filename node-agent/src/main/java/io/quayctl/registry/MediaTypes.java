package io.quayctl.registry;

import java.util.List;

/** Media types of the OCI image spec and Docker's distribution formats. */
public final class MediaTypes {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST_V2 =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_V1 =
      "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_MANIFEST_V1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** The Accept set sent with every manifest request. */
  public static final List<String> MANIFEST_ACCEPT =
      List.of(OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST_V2);

  private MediaTypes() {}

  /** Whether the type is a multi-platform index (OCI index or Docker manifest list). */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /** Whether the type is a single-platform image manifest this tool reads. */
  public static boolean isImageManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST_V2.equals(mediaType);
  }

  /** Whether the type is Docker's retired schema 1. */
  public static boolean isSchema1(String mediaType) {
    return DOCKER_MANIFEST_V1.equals(mediaType) || DOCKER_MANIFEST_V1_SIGNED.equals(mediaType);
  }
}
