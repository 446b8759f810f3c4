package io.quayctl.operator.tracker;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points the selector-less tracker Service at this operator: writes the EndpointSlice named like
 * the Service with this pod's IP and the tracker port. The leader does it each time it wins the
 * Lease, so the Service always routes to the replica that serves.
 */
public final class TrackerEndpointSlice {
  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The label naming who manages the slice. */
  public static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

  /** The value of {@link #MANAGED_BY_LABEL}. */
  public static final String MANAGED_BY = "quayctl.io-operator";

  private static final Logger log = LoggerFactory.getLogger(TrackerEndpointSlice.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final String podIp;
  private final int port;
  private final String podName;

  /** Writes slice {@code namespace/service} with {@code podIp:port}. */
  public TrackerEndpointSlice(
      KubernetesClient client,
      String namespace,
      String service,
      String podIp,
      int port,
      String podName) {
    this.client = client;
    this.namespace = namespace;
    this.service = service;
    this.podIp = podIp;
    this.port = port;
    this.podName = podName;
  }

  /** The slice as it should be. */
  public EndpointSlice desired() {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service)
        .withNamespace(namespace)
        .withLabels(Map.of(SERVICE_NAME_LABEL, service, MANAGED_BY_LABEL, MANAGED_BY))
        .endMetadata()
        .withAddressType(podIp.contains(":") ? "IPv6" : "IPv4")
        .addNewEndpoint()
        .withAddresses(podIp)
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withName(podName)
        .withNamespace(namespace)
        .endTargetRef()
        .endEndpoint()
        .addNewPort()
        .withName("tracker")
        .withPort(port)
        .withProtocol("TCP")
        .endPort()
        .build();
  }

  /** Creates or replaces the slice; retries a few times on conflicts. */
  public void publish() {
    var slices = client.discovery().v1().endpointSlices().inNamespace(namespace);
    for (int attempt = 1; attempt <= 5; attempt++) {
      EndpointSlice want = desired();
      try {
        EndpointSlice current = slices.withName(service).get();
        if (current == null) {
          slices.resource(want).create();
        } else {
          want.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
          slices.resource(want).update();
        }
        log.info("tracker Service {}/{} now routes to {}:{}", namespace, service, podIp, port);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    }
    throw new IllegalStateException(
        "EndpointSlice " + namespace + "/" + service + " kept changing while it was written");
  }
}
