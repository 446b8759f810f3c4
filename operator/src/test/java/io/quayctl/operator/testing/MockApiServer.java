package io.quayctl.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/**
 * Fabric8's Kubernetes mock server in CRUD mode, as a real HTTP server, with quayctl's CRDs
 * installed (so {@code status} is a subresource), the way {@code @EnableKubernetesMockClient(crud =
 * true)} wires it.
 */
public final class MockApiServer implements AutoCloseable {
  /** The generated CRDs, read from the crds module's jar. */
  public static final List<String> CRDS =
      List.of("imagepulls.quayctl.io-v1.yml", "nodeimages.quayctl.io-v1.yml");

  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;

  private MockApiServer(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient(new JdkHttpClientFactory());
  }

  /** Starts on {@code address}:{@code port} (0 for an ephemeral port) and installs the CRDs. */
  public static MockApiServer start(InetAddress address, int port) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(address, port);
    MockApiServer api = new MockApiServer(server);
    for (String crd : CRDS) {
      api.client.apiextensions().v1().customResourceDefinitions().resource(load(crd)).create();
    }
    return api;
  }

  /** Starts on an ephemeral loopback port. */
  public static MockApiServer start() {
    return start(InetAddress.getLoopbackAddress(), 0);
  }

  /** A client of this server on the JDK HTTP client. */
  public NamespacedKubernetesClient client() {
    return client;
  }

  /** A new client of this server on the JDK HTTP client, for a component that closes its own. */
  public NamespacedKubernetesClient newClient() {
    return server.createClient(new JdkHttpClientFactory());
  }

  /** The base URL, e.g. {@code http://127.0.0.1:40123/}. */
  public String url() {
    return server.url("/");
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private static CustomResourceDefinition load(String file) {
    try (InputStream in = MockApiServer.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
      if (in == null) {
        throw new IllegalStateException("META-INF/fabric8/" + file + " is not on the classpath");
      }
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
