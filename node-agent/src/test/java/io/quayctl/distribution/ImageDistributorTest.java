package io.quayctl.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.junit.jupiter.api.Test;

class ImageDistributorTest {

  @Test
  void peerAddressIsTheEndpointWithoutSchemeAndPort() {
    assertThat(ImageDistributor.addressOf("tcp://10.213.0.2:6881")).isEqualTo("10.213.0.2");
    assertThat(ImageDistributor.addressOf("10.213.0.2:51234")).isEqualTo("10.213.0.2");
    assertThat(ImageDistributor.addressOf("tcp://[fd00::2]:6881")).isEqualTo("fd00::2");
    assertThat(ImageDistributor.addressOf("[::1]:6881")).isEqualTo("::1");
  }

  @Test
  void connectFailuresWithoutAMessageAreDescribed() {
    assertThat(ImageDistributor.describe(new java.io.IOException(new ConnectException())))
        .isEqualTo("connection refused");
    assertThat(ImageDistributor.describe(new HttpConnectTimeoutException(null)))
        .isEqualTo("connection timed out");
    assertThat(ImageDistributor.describe(new java.io.IOException("HTTP 500")))
        .isEqualTo("HTTP 500");
  }
}
