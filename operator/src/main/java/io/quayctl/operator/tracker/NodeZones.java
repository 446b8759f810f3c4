package io.quayctl.operator.tracker;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The zone of each node address, from a Node informer: agents announce from their node's address
 * (host network), so an announcing IP maps to a node's InternalIP (or ExternalIP) and from there to
 * its {@code topology.kubernetes.io/zone} label.
 */
public final class NodeZones implements AutoCloseable {
  /** The well-known zone label. */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  private final KubernetesClient client;
  private volatile Map<String, String> zones = Map.of();
  private SharedIndexInformer<Node> informer;

  /** A lookup (not yet started) over the cluster's Nodes. */
  public NodeZones(KubernetesClient client) {
    this.client = client;
  }

  /** Starts the Node informer. */
  public synchronized void start() {
    informer =
        client
            .nodes()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Node obj) {
                    refresh();
                  }

                  @Override
                  public void onUpdate(Node oldObj, Node newObj) {
                    refresh();
                  }

                  @Override
                  public void onDelete(Node obj, boolean deletedFinalStateUnknown) {
                    refresh();
                  }
                },
                0);
    refresh();
  }

  private void refresh() {
    SharedIndexInformer<Node> i = informer;
    if (i != null) {
      zones = zonesByAddress(i.getStore().list());
    }
  }

  /** The zone of the node with this address, if the node is known and labelled. */
  public Optional<String> zoneOf(InetAddress address) {
    return Optional.ofNullable(zones.get(address.getHostAddress()));
  }

  /** Maps every InternalIP and ExternalIP of zone-labelled nodes to the zone. */
  static Map<String, String> zonesByAddress(Collection<Node> nodes) {
    Map<String, String> out = new HashMap<>();
    for (Node n : nodes) {
      Map<String, String> labels = n.getMetadata().getLabels();
      String zone = labels == null ? null : labels.get(ZONE_LABEL);
      if (zone == null || n.getStatus() == null || n.getStatus().getAddresses() == null) {
        continue;
      }
      for (NodeAddress a : n.getStatus().getAddresses()) {
        if ("InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType())) {
          out.putIfAbsent(a.getAddress(), zone);
        }
      }
    }
    return Map.copyOf(out);
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }
}
