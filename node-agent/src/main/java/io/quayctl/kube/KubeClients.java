package io.quayctl.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

/** Builds the agent's API client on the JDK HTTP client. */
public final class KubeClients {
  private KubeClients() {}

  /**
   * A client for {@code apiServer} when given (no credentials: tests and {@code kubectl proxy}),
   * else Fabric8's usual resolution: in-cluster service account, then {@code KUBECONFIG}.
   */
  public static KubernetesClient create(String apiServer) {
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory());
    if (apiServer != null) {
      Config config =
          new ConfigBuilder(Config.empty())
              .withMasterUrl(apiServer)
              .withRequestRetryBackoffLimit(3)
              .build();
      builder.withConfig(config);
    }
    return builder.build();
  }
}
