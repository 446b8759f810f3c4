package io.quayctl.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A request to put one image on a set of nodes, fetched mostly from peers. */
@Group(ImagePull.GROUP)
@Version(ImagePull.VERSION)
@Plural("imagepulls")
@Singular("imagepull")
@ShortNames("ipull")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.image")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Format", jsonPath = ".spec.format", priority = 1)
@AdditionalPrinterColumn(name = "Digest", jsonPath = ".status.resolvedDigest", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ImagePull extends CustomResource<ImagePullSpec, ImagePullStatus>
    implements Namespaced {
  public static final String GROUP = "quayctl.io";
  public static final String VERSION = "v1alpha1";

  /** The entry key this ImagePull has in every NodeImage: {@code namespace/name}. */
  public String key() {
    return getMetadata().getNamespace() + "/" + getMetadata().getName();
  }
}
