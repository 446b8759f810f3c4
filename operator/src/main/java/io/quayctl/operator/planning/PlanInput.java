package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.Node;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.NodeImage;
import java.time.Instant;
import java.util.Collection;

/**
 * Everything the planner looks at: the ImagePull, the cluster's Nodes and NodeImages, the
 * operator's defaults, and the time. Pull secrets are not looked up here: the operator may not read
 * Secrets; the resolving bastion reports a missing or unusable one.
 */
public record PlanInput(
    ImagePull pull,
    Collection<Node> nodes,
    Collection<NodeImage> nodeImages,
    PlanDefaults defaults,
    Instant now) {}
