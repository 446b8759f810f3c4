package io.quayctl.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.ImageReference;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

/** What a registry that cannot be reached looks like, without any registry. */
class RegistryClientNetworkErrorsTest {
  private final RegistryClient client = RegistryClient.builder().build();

  @Test
  void anUnknownHostIsSaidInWordsAndNamedOnce() {
    assertThatThrownBy(
            () -> client.resolve(ImageReference.parse("nosuch.invalid/x:1"), Platform.current()))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE))
        .hasMessage("cannot reach registry nosuch.invalid: unknown host");
  }

  @Test
  void aClosedPortIsConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String registry = "127.0.0.1:" + port;
    assertThatThrownBy(
            () -> client.resolve(ImageReference.parse(registry + "/x:1"), Platform.current()))
        .hasMessage("cannot reach registry " + registry + ": connection refused");
  }

  @Test
  void causesHiddenInTheJdkClientsExceptionsAreNamed() {
    assertThat(RegistryClient.networkProblem(wrapped(new UnresolvedAddressException())))
        .isEqualTo("unknown host");
    assertThat(
            RegistryClient.networkProblem(
                new HttpConnectTimeoutException("HTTP connect timed out")))
        .isEqualTo("timed out");
    assertThat(
            RegistryClient.networkProblem(wrapped(new NoRouteToHostException("No route to host"))))
        .isEqualTo("no route to host");
    assertThat(
            RegistryClient.networkProblem(wrapped(new SocketException("Network is unreachable"))))
        .isEqualTo("no route: network is unreachable");
    assertThat(RegistryClient.networkProblem(wrapped(new ConnectException())))
        .isEqualTo("connection refused");
    assertThat(RegistryClient.networkProblem(new java.io.IOException()))
        .isEqualTo("connection failed");
  }

  private static ConnectException wrapped(Throwable cause) {
    ConnectException e = new ConnectException();
    e.initCause(cause);
    return e;
  }
}
