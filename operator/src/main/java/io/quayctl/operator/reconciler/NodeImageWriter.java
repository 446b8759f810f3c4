package io.quayctl.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quayctl.api.v1alpha1.NodeImage;
import io.quayctl.api.v1alpha1.NodeImageEntry;
import io.quayctl.api.v1alpha1.NodeImageSpec;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Puts one ImagePull's entry into (or takes it out of) one node's NodeImage with optimistic
 * locking: a 409 re-reads the object from the API server and tries again.
 */
final class NodeImageWriter {
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final BiConsumer<NodeImage, NodeImage> written;

  /**
   * @param written told of every write (new, old or null) so the informer cache can be primed
   */
  NodeImageWriter(KubernetesClient client, BiConsumer<NodeImage, NodeImage> written) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.written = written;
  }

  /**
   * Makes {@code nodeName}'s NodeImage hold {@code desired} under {@code key}, or no entry for it
   * when {@code desired} is empty; returns whether anything was written.
   */
  boolean apply(
      String nodeName,
      Optional<Node> node,
      String key,
      Optional<NodeImageEntry> desired,
      Optional<NodeImage> cached) {
    NodeImage current = cached.orElse(null);
    for (int attempt = 1; ; attempt++) {
      try {
        return applyOnce(nodeName, node, key, desired, current);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= ATTEMPTS) {
          throw e;
        }
        current = client.resources(NodeImage.class).withName(nodeName).get();
      }
    }
  }

  private boolean applyOnce(
      String nodeName,
      Optional<Node> node,
      String key,
      Optional<NodeImageEntry> desired,
      NodeImage current) {
    if (current == null) {
      if (desired.isEmpty()) {
        return false;
      }
      NodeImage created = new NodeImage();
      ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(nodeName);
      // Owned by its Node, so the garbage collector removes it with the node.
      node.ifPresent(
          n ->
              meta.withOwnerReferences(
                  new OwnerReferenceBuilder()
                      .withApiVersion("v1")
                      .withKind("Node")
                      .withName(nodeName)
                      .withUid(n.getMetadata().getUid())
                      .build()));
      created.setMetadata(meta.build());
      NodeImageSpec spec = new NodeImageSpec();
      spec.setImages(new ArrayList<>(List.of(desired.get())));
      created.setSpec(spec);
      NodeImage result = client.resource(created).create();
      written.accept(result, null);
      return true;
    }
    List<NodeImageEntry> images =
        current.getSpec() == null
            ? new ArrayList<>()
            : new ArrayList<>(current.getSpec().getImages());
    int index = -1;
    for (int i = 0; i < images.size(); i++) {
      if (key.equals(images.get(i).getKey())) {
        index = i;
        break;
      }
    }
    if (desired.isEmpty()) {
      if (index < 0) {
        return false;
      }
      images.remove(index);
    } else if (index < 0) {
      images.add(desired.get());
    } else if (sameJson(images.get(index), desired.get())) {
      return false;
    } else {
      images.set(index, desired.get());
    }
    NodeImage updated = serialization.clone(current);
    if (updated.getSpec() == null) {
      updated.setSpec(new NodeImageSpec());
    }
    updated.getSpec().setImages(images);
    // update() sends metadata.resourceVersion, so a concurrent writer gets a 409.
    NodeImage result = client.resource(updated).update();
    written.accept(result, current);
    return true;
  }

  private boolean sameJson(Object a, Object b) {
    return serialization
        .convertValue(a, com.fasterxml.jackson.databind.JsonNode.class)
        .equals(serialization.convertValue(b, com.fasterxml.jackson.databind.JsonNode.class));
  }
}
