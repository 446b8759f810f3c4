package io.quayctl.runtime.rkt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Platform;
import org.junit.jupiter.api.Test;

class AciImageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theManifestCarriesTheImageConfigInAppcTerms() throws Exception {
    JsonNode config =
        JSON.readTree(
            """
            {"created": "2026-01-01T00:00:00Z",
             "config": {"Entrypoint": ["/bin/app"], "Cmd": ["--serve"], "User": "1000:100",
                        "WorkingDir": "/srv", "Env": ["PATH=/bin", "weird name=x", "EMPTY"],
                        "Volumes": {"/var/Data": {}}, "ExposedPorts": {"8080/tcp": {},
                        "53/udp": {}, "1000-2000/tcp": {}}}}
            """);

    JsonNode m =
        AciImage.manifest(
            ImageReference.parse("Localhost:5000/team/app:1.2"),
            Platform.parse("linux/amd64"),
            config);

    assertThat(m.path("acKind").asText()).isEqualTo("ImageManifest");
    assertThat(m.path("name").asText()).isEqualTo("localhost-5000/team/app");
    assertThat(m.path("labels").toString())
        .isEqualTo(
            "[{\"name\":\"version\",\"value\":\"1.2\"},{\"name\":\"os\",\"value\":\"linux\"},"
                + "{\"name\":\"arch\",\"value\":\"amd64\"}]");
    JsonNode app = m.path("app");
    assertThat(app.path("exec").toString()).isEqualTo("[\"/bin/app\",\"--serve\"]");
    assertThat(app.path("user").asText()).isEqualTo("1000");
    assertThat(app.path("group").asText()).isEqualTo("100");
    assertThat(app.path("workingDirectory").asText()).isEqualTo("/srv");
    // Names appc does not allow are left out; a bare name is an empty value.
    assertThat(app.path("environment").toString())
        .isEqualTo("[{\"name\":\"PATH\",\"value\":\"/bin\"},{\"name\":\"EMPTY\",\"value\":\"\"}]");
    assertThat(app.path("mountPoints").toString())
        .isEqualTo("[{\"name\":\"volume-var-data\",\"path\":\"/var/Data\"}]");
    // A port range has no appc form: left out.
    assertThat(app.path("ports").toString())
        .isEqualTo(
            "[{\"name\":\"8080-tcp\",\"protocol\":\"tcp\",\"port\":8080},"
                + "{\"name\":\"53-udp\",\"protocol\":\"udp\",\"port\":53}]");
    assertThat(m.path("annotations").get(0).path("value").asText())
        .isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void anImageWithoutUserOrCommandRunsAsRootAndHasNoExec() throws Exception {
    JsonNode m =
        AciImage.manifest(
            ImageReference.parse("busybox@sha256:" + "a".repeat(64)),
            Platform.parse("linux/arm64"),
            JSON.readTree("{\"config\": {}}"));

    assertThat(m.path("name").asText()).isEqualTo("docker.io/library/busybox");
    assertThat(m.path("labels").get(0).path("value").asText())
        .isEqualTo("sha256-" + "a".repeat(64));
    assertThat(m.path("labels").get(2).path("value").asText()).isEqualTo("aarch64");
    assertThat(m.path("app").has("exec")).isFalse();
    assertThat(m.path("app").path("user").asText()).isEqualTo("0");
    assertThat(m.path("app").path("group").asText()).isEqualTo("0");
  }

  @Test
  void fileNamesAndArchitectures() {
    assertThat(
            AciImage.defaultFileName(
                ImageReference.parse("quay.io/org/app:1.2"), Platform.parse("linux/arm/v7")))
        .isEqualTo("app-1.2-linux-armv7l.aci");
    assertThatThrownBy(() -> AciImage.arch(Platform.parse("windows/amd64")))
        .hasMessageContaining("appc has no os/arch for platform windows/amd64");
    assertThatThrownBy(() -> AciImage.arch(Platform.parse("linux/riscv64")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
