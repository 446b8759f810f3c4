package io.quayctl.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerCredentialsTest {
  @TempDir Path dir;

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path config(String json) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void authsWithBase64AuthUsernamePasswordAndIdentityToken() throws IOException {
    Path file =
        config(
            """
            {"auths": {
              "https://index.docker.io/v1/": {"auth": "%s"},
              "myreg:5000": {"username": "bob", "password": "pw:with:colons"},
              "http://other.example/v2/": {"identitytoken": "refresh-me"},
              "empty.example": {}
            }}
            """
                .formatted(b64("alice:s3cret:x")));
    DockerCredentials creds = DockerCredentials.fromConfigFile(file, List.of());

    Credentials hub = creds.find("docker.io").orElseThrow();
    assertThat(hub.username()).isEqualTo("alice");
    assertThat(hub.password()).isEqualTo("s3cret:x");
    assertThat(hub.origin()).isEqualTo(file.toString());
    assertThat(hub.toString()).doesNotContain("s3cret");

    assertThat(creds.find("myreg:5000").orElseThrow().password()).isEqualTo("pw:with:colons");
    Credentials token = creds.find("other.example").orElseThrow();
    assertThat(token.hasIdentityToken()).isTrue();
    assertThat(token.identityToken()).isEqualTo("refresh-me");
    assertThat(creds.find("empty.example")).isEmpty();
    assertThat(creds.find("unknown.example")).isEmpty();
  }

  @Test
  void dockerConfigEnvironmentVariableWinsOverHome() throws IOException {
    Path fromEnv = Files.createDirectories(dir.resolve("env"));
    Files.writeString(
        fromEnv.resolve("config.json"),
        "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("env:pw") + "\"}}}");
    Path home = Files.createDirectories(dir.resolve("home/.docker"));
    Files.writeString(
        home.resolve("config.json"),
        "{\"auths\":{\"r.example\":{\"auth\":\"" + b64("home:pw") + "\"}}}");

    assertThat(
            DockerCredentials.fromEnvironment(
                    Map.of("DOCKER_CONFIG", fromEnv.toString()), dir.resolve("home"))
                .find("r.example")
                .orElseThrow()
                .username())
        .isEqualTo("env");
    assertThat(
            DockerCredentials.fromEnvironment(Map.of(), dir.resolve("home"))
                .find("r.example")
                .orElseThrow()
                .username())
        .isEqualTo("home");
    DockerCredentials none = DockerCredentials.fromEnvironment(Map.of(), dir.resolve("nobody"));
    assertThat(none.find("r.example")).isEmpty();
    assertThat(none.describe()).contains("absent");
  }

  @Test
  void credHelpersAndCredsStoreRunTheHelperProgram() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path log = dir.resolve("helper.log");
    // A real helper: reads the server URL on stdin, answers JSON, or fails like the real ones.
    helper(
        bin,
        "test",
        """
        #!/bin/sh
        [ "$1" = get ] || exit 2
        read -r url
        echo "$url" >> %s
        case "$url" in
          helped.example) echo '{"ServerURL":"helped.example","Username":"hu","Secret":"hs"}' ;;
          https://index.docker.io/v1/) echo '{"Username":"<token>","Secret":"idtok"}' ;;
          *) echo "credentials not found in native keychain"; exit 1 ;;
        esac
        """
            .formatted(log));
    helper(bin, "broken", "#!/bin/sh\necho 'keychain locked' >&2\nexit 3\n");
    Path file =
        config(
            """
            {"auths": {"inline.example": {"auth": "%s"}},
             "credHelpers": {"helped.example": "test", "broken.example": "broken"},
             "credsStore": "test"}
            """
                .formatted(b64("iu:ip")));
    DockerCredentials creds = DockerCredentials.fromConfigFile(file, List.of(bin));

    Credentials helped = creds.find("helped.example").orElseThrow();
    assertThat(helped.username()).isEqualTo("hu");
    assertThat(helped.password()).isEqualTo("hs");
    assertThat(helped.origin()).contains("docker-credential-test");

    // Docker Hub goes to the store under its legacy key; "<token>" means an identity token.
    Credentials hub = creds.find("docker.io").orElseThrow();
    assertThat(hub.identityToken()).isEqualTo("idtok");

    assertThat(creds.find("inline.example").orElseThrow().username()).isEqualTo("iu");
    assertThat(creds.find("nothing.example")).isEmpty();
    assertThatThrownBy(() -> creds.find("broken.example"))
        .hasMessageContaining("docker-credential-broken get failed")
        .hasMessageContaining("keychain locked");
    assertThat(Files.readAllLines(log))
        .containsExactly("helped.example", "https://index.docker.io/v1/", "nothing.example");
    assertThat(creds.describe()).contains("docker-credential-test", "docker-credential-broken");
  }

  @Test
  void missingHelperIsAClearError() throws IOException {
    Path file = config("{\"credsStore\": \"nosuch\"}");
    DockerCredentials creds = DockerCredentials.fromConfigFile(file, List.of(dir));
    assertThatThrownBy(() -> creds.find("x.example"))
        .hasMessageContaining("docker-credential-nosuch")
        .hasMessageContaining("not on the PATH");
  }

  @Test
  void kubernetesDockerConfigJsonSecret() throws IOException {
    byte[] secret =
        """
        {"auths":{"myreg:5000":{"username":"k","password":"kp","auth":"%s"}},
         "credsStore":"ignored"}
        """
            .formatted(b64("k:kp"))
            .getBytes(StandardCharsets.UTF_8);
    DockerCredentials creds = DockerCredentials.fromDockerConfigJson(secret, "secret default/pull");
    Credentials c = creds.find("myreg:5000").orElseThrow();
    assertThat(c.username()).isEqualTo("k");
    assertThat(c.origin()).isEqualTo("secret default/pull");
    assertThat(creds.find("other:5000")).isEmpty();
  }

  @Test
  void legacyDockercfgSecret() throws IOException {
    byte[] secret =
        ("{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("old:pw") + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(
            DockerCredentials.fromDockerConfigJson(secret, "legacy")
                .find("docker.io")
                .orElseThrow()
                .username())
        .isEqualTo("old");
  }

  @Test
  void badContentNeverEchoesSecrets() throws IOException {
    assertThatThrownBy(
            () ->
                DockerCredentials.fromDockerConfigJson(
                    "{\"auths\": {\"x\": {\"auth\": \"topsecret\"".getBytes(StandardCharsets.UTF_8),
                    "secret s"))
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("topsecret");
    Path file = config("{\"auths\":{\"x.example\":{\"auth\":\"" + b64("nocolon") + "\"}}}");
    assertThatThrownBy(() -> DockerCredentials.fromConfigFile(file, List.of()).find("x.example"))
        .hasMessageContaining("not base64 of user:password")
        .hasMessageNotContaining("nocolon");
  }

  @Test
  void firstOfAsksInOrder() throws IOException {
    DockerCredentials a =
        DockerCredentials.fromDockerConfigJson(
            ("{\"auths\":{\"r\":{\"username\":\"a\",\"password\":\"p\"}}}").getBytes(), "a");
    DockerCredentials b =
        DockerCredentials.fromDockerConfigJson(
            ("{\"auths\":{\"r\":{\"username\":\"b\",\"password\":\"p\"},"
                    + "\"s\":{\"username\":\"b\",\"password\":\"p\"}}}")
                .getBytes(),
            "b");
    CredentialProvider both = CredentialProvider.firstOf(List.of(a, b));
    assertThat(both.find("r").orElseThrow().origin()).isEqualTo("a");
    assertThat(both.find("s").orElseThrow().origin()).isEqualTo("b");
    assertThat(both.describe()).isEqualTo("a; b");
  }

  private static void helper(Path bin, String name, String script) throws IOException {
    Path file = bin.resolve("docker-credential-" + name);
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
