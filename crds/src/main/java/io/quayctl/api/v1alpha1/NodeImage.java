package io.quayctl.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The images one node must have, named after the node (cluster-scoped). The operator writes the
 * spec; only that node's agent writes the status.
 */
@Group(ImagePull.GROUP)
@Version(ImagePull.VERSION)
@Plural("nodeimages")
@Singular("nodeimage")
@ShortNames("nimg")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class NodeImage extends CustomResource<NodeImageSpec, NodeImageStatus> {}
