package io.quayctl.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void bearerWithQuotedParams() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            List.of(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                    + "scope=\"repository:library/bash:pull\",error=\"invalid_token\""));
    assertThat(c).hasSize(1);
    assertThat(c.get(0).scheme()).isEqualTo("bearer");
    assertThat(c.get(0).param("realm")).isEqualTo("https://auth.docker.io/token");
    assertThat(c.get(0).param("service")).isEqualTo("registry.docker.io");
    assertThat(c.get(0).param("scope")).isEqualTo("repository:library/bash:pull");
    assertThat(c.get(0).param("error")).isEqualTo("invalid_token");
  }

  @Test
  void severalChallengesTokensAndEscapes() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            List.of("Basic realm=\"a \\\"b\\\", c\", Bearer realm=x, service=y", "Negotiate"));
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer", "negotiate");
    assertThat(c.get(0).param("realm")).isEqualTo("a \"b\", c");
    assertThat(c.get(1).param("realm")).isEqualTo("x");
    assertThat(c.get(1).param("service")).isEqualTo("y");
    assertThat(c.get(2).params()).isEmpty();
  }
}
