package io.quayctl.operator.planning;

import io.fabric8.kubernetes.api.model.Node;
import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.NodeImage;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Everything the planner looks at: the ImagePull, the cluster's Nodes and NodeImages, the pull
 * secrets that do not exist, and the time.
 */
public record PlanInput(
    ImagePull pull,
    Collection<Node> nodes,
    Collection<NodeImage> nodeImages,
    List<String> missingSecrets,
    Instant now) {}
