package io.quayctl.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quayctl.api.v1alpha1.NodeImage;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watches the one NodeImage named after this node (a list/watch with the field selector {@code
 * metadata.name=<node>}), so the API server's load grows with the number of nodes, not with its
 * square. The NodeImage may not exist yet; only the operator creates it.
 *
 * <p>The listener runs on the informer's thread and must only queue what it gets.
 */
public final class NodeImageWatcher implements AutoCloseable {
  private final KubernetesClient client;
  private final String nodeName;
  private final Consumer<Optional<NodeImage>> listener;
  private SharedIndexInformer<NodeImage> informer;

  /**
   * A watcher (not yet started) calling {@code listener} with the NodeImage, or empty when gone.
   */
  public NodeImageWatcher(
      KubernetesClient client, String nodeName, Consumer<Optional<NodeImage>> listener) {
    this.client = client;
    this.nodeName = nodeName;
    this.listener = listener;
  }

  /** Lists and starts watching; returns once the first list has been delivered. */
  public synchronized void start() {
    informer =
        client
            .resources(NodeImage.class)
            .withName(nodeName)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(NodeImage obj) {
                    listener.accept(Optional.of(obj));
                  }

                  @Override
                  public void onUpdate(NodeImage oldObj, NodeImage newObj) {
                    listener.accept(Optional.of(newObj));
                  }

                  @Override
                  public void onDelete(NodeImage obj, boolean deletedFinalStateUnknown) {
                    listener.accept(Optional.empty());
                  }
                },
                0);
  }

  /** The NodeImage as last seen by the watch. */
  public Optional<NodeImage> current() {
    SharedIndexInformer<NodeImage> i = informer;
    return i == null ? Optional.empty() : i.getStore().list().stream().findFirst();
  }

  /** Whether the watch is running (it reconnects by itself after errors). */
  public boolean isWatching() {
    SharedIndexInformer<NodeImage> i = informer;
    return i != null && i.isRunning();
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }
}
