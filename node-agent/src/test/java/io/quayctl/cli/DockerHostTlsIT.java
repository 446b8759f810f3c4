package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.registry.Platform;
import io.quayctl.testing.DockerTlsDaemon;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.RegistryServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code quayctl} honours {@code DOCKER_HOST=tcp://…} with {@code DOCKER_TLS_VERIFY}
 * and {@code DOCKER_CERT_PATH}, as the Docker CLI does, against a dockerd that only speaks mutual
 * TLS.
 */
class DockerHostTlsIT {
  private static RegistryServer registry;
  private static DockerTlsDaemon docker;

  @BeforeAll
  static void start() throws Exception {
    registry = RegistryServer.anonymous();
    docker = DockerTlsDaemon.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (docker != null) {
      docker.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  record Run(int exit, String output) {}

  private static Run quayctl(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("quayctl.jar", "target/quayctl.jar")).toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("DOCKER_HOST");
    pb.environment().remove("DOCKER_TLS_VERIFY");
    pb.environment().remove("DOCKER_CERT_PATH");
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("quayctl did not finish: " + output);
    }
    return new Run(p.exitValue(), output);
  }

  @Test
  void pullsIntoAnEngineReachedOverTlsFromTheDockerEnvironment(@TempDir Path data)
      throws Exception {
    Image image = ImageFixtures.image("tls", 2, 16 * 1024, Platform.current());
    ImageFixtures.push(registry, "team/tls", "1", image);
    String ref = registry.host() + "/team/tls:1";

    Run run =
        quayctl(
            Map.of(
                "DOCKER_HOST", docker.host(),
                "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", docker.certPath().toString()),
            "docker",
            "torrent",
            "pull",
            ref,
            "--runtime",
            "docker",
            "--data-dir",
            data.toString());

    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("Imported " + ref);
    String id = docker.docker("image", "inspect", "--format", "{{.Id}}", ref).orThrow().strip();
    assertThat(id).isEqualTo(image.configDigest().toString());
  }

  @Test
  void withoutClientCertificatesTheEngineIsUnreachableWithExitCode6(@TempDir Path data)
      throws Exception {
    Run run =
        quayctl(
            Map.of("DOCKER_HOST", docker.host()),
            "docker",
            "torrent",
            "pull",
            registry.host() + "/team/none:1",
            "--runtime",
            "docker",
            "--data-dir",
            data.toString());

    assertThat(run.exit()).as(run.output()).isEqualTo(ExitCode.RUNTIME_UNAVAILABLE);
    assertThat(run.output())
        .contains("quayctl: error:")
        .contains(docker.host().substring(6))
        .doesNotContain("\tat ");
  }
}
