package io.quayctl.registry;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.ImageReference;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials kept the way the Docker CLI keeps them: the {@code auths} of a {@code config.json}
 * ({@code auth} as base64 {@code user:password}, or {@code username}/{@code password}, or {@code
 * identitytoken}), {@code credHelpers} and {@code credsStore} through {@code
 * docker-credential-<name> get}, and the same JSON in a Kubernetes {@code dockerconfigjson} secret.
 *
 * <p>Lookup order for a registry: its {@code credHelpers} entry; else an {@code auths} entry that
 * holds credentials; else {@code credsStore}. Docker Hub is stored under {@code
 * https://index.docker.io/v1/}.
 */
public final class DockerCredentials implements CredentialProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DockerCredentials.class);

  /** The key under which the Docker CLI stores Docker Hub credentials. */
  public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final long HELPER_TIMEOUT_SECONDS = 30;

  private final String origin;
  private final Map<String, JsonNode> auths;
  private final Map<String, String> credHelpers;
  private final String credsStore;
  private final List<Path> helperSearchPath;

  private DockerCredentials(
      String origin,
      Map<String, JsonNode> auths,
      Map<String, String> credHelpers,
      String credsStore,
      List<Path> helperSearchPath) {
    this.origin = origin;
    this.auths = auths;
    this.credHelpers = credHelpers;
    this.credsStore = credsStore;
    this.helperSearchPath = helperSearchPath;
  }

  /**
   * The Docker CLI's configuration of this process: {@code $DOCKER_CONFIG/config.json}, else {@code
   * ~/.docker/config.json}; helpers are looked up on {@code $PATH}. A missing file means no
   * credentials.
   */
  public static DockerCredentials fromEnvironment() throws IOException {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** As {@link #fromEnvironment()}, with the environment and home directory given. */
  public static DockerCredentials fromEnvironment(Map<String, String> env, Path home)
      throws IOException {
    String dockerConfig = env.get("DOCKER_CONFIG");
    Path file =
        dockerConfig != null && !dockerConfig.isEmpty()
            ? Path.of(dockerConfig).resolve("config.json")
            : home.resolve(".docker").resolve("config.json");
    List<Path> searchPath = new ArrayList<>();
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        searchPath.add(Path.of(dir));
      }
    }
    return fromConfigFile(file, searchPath);
  }

  /**
   * Reads a Docker {@code config.json}; credential helpers are looked up in {@code
   * helperSearchPath}. A missing file means no credentials.
   */
  public static DockerCredentials fromConfigFile(Path file, List<Path> helperSearchPath)
      throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new DockerCredentials(
          file + " (absent)", Map.of(), Map.of(), null, List.copyOf(helperSearchPath));
    }
    return parse(bytes, file.toString(), true, List.copyOf(helperSearchPath));
  }

  /**
   * Reads the content of a Kubernetes pull secret: {@code .dockerconfigjson} ({@code
   * {"auths":{...}}}) or the legacy {@code .dockercfg} (the auths map itself). Credential helpers
   * named in a secret are ignored, as kubelet ignores them.
   */
  public static DockerCredentials fromDockerConfigJson(byte[] content, String origin)
      throws IOException {
    return parse(content, origin, false, List.of());
  }

  private static DockerCredentials parse(
      byte[] bytes, String origin, boolean helpersAllowed, List<Path> helperSearchPath)
      throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      // Jackson's message may quote the content, which holds secrets; its location does not.
      JsonLocation at = e.getLocation();
      throw new IOException(
          "cannot parse Docker credentials in "
              + origin
              + ": not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new IOException("cannot parse Docker credentials in " + origin + ": not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IOException("cannot parse Docker credentials in " + origin + ": not a JSON object");
    }
    JsonNode authsNode = root.get("auths");
    if (authsNode == null && !helpersAllowed && !root.has("credHelpers")) {
      authsNode = root; // legacy .dockercfg: the map of registries at the top level
    }
    Map<String, JsonNode> auths = new LinkedHashMap<>();
    if (authsNode != null && authsNode.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = authsNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isObject()) {
          auths.put(e.getKey(), e.getValue());
        }
      }
    }
    Map<String, String> helpers = new LinkedHashMap<>();
    String store = null;
    if (helpersAllowed) {
      JsonNode helpersNode = root.get("credHelpers");
      if (helpersNode != null && helpersNode.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = helpersNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          helpers.put(e.getKey(), e.getValue().asText());
        }
      }
      JsonNode storeNode = root.get("credsStore");
      if (storeNode != null && !storeNode.asText().isEmpty()) {
        store = storeNode.asText();
      }
    }
    return new DockerCredentials(origin, auths, helpers, store, helperSearchPath);
  }

  @Override
  public Optional<Credentials> find(String registry) throws IOException {
    String host = hostKey(registry);
    String helper = lookup(credHelpers, host);
    if (helper != null) {
      return runHelper(helper, registry);
    }
    JsonNode entry = lookup(auths, host);
    if (entry != null) {
      Optional<Credentials> inline = inline(entry, registry);
      if (inline.isPresent()) {
        return inline;
      }
    }
    if (credsStore != null) {
      return runHelper(credsStore, registry);
    }
    return Optional.empty();
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder(origin);
    if (!credHelpers.isEmpty() || credsStore != null) {
      List<String> names = new ArrayList<>(new TreeSet<>(credHelpers.values()));
      if (credsStore != null && !names.contains(credsStore)) {
        names.add(credsStore);
      }
      sb.append(" with helpers ")
          .append(String.join(", ", names.stream().map(n -> "docker-credential-" + n).toList()));
    }
    return sb.toString();
  }

  private Optional<Credentials> inline(JsonNode entry, String registry) throws IOException {
    String username = text(entry, "username");
    String password = text(entry, "password");
    String auth = text(entry, "auth");
    if (auth != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "the \"auth\" of " + registry + " in " + origin + " is not valid base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException(
            "the \"auth\" of " + registry + " in " + origin + " is not base64 of user:password");
      }
      username = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    String identityToken = text(entry, "identitytoken");
    if (identityToken != null) {
      return Optional.of(new Credentials(username, null, identityToken, origin));
    }
    if (username != null && password != null) {
      return Optional.of(Credentials.basic(username, password, origin));
    }
    return Optional.empty();
  }

  private Optional<Credentials> runHelper(String name, String registry) throws IOException {
    if (!HELPER_NAME.matcher(name).matches()) {
      throw new IOException("invalid credential helper name \"" + name + "\" in " + origin);
    }
    String program = "docker-credential-" + name;
    Path executable = null;
    for (Path dir : helperSearchPath) {
      Path candidate = dir.resolve(program);
      if (Files.isExecutable(candidate)) {
        executable = candidate;
        break;
      }
    }
    if (executable == null) {
      throw new IOException(
          "credential helper " + program + " (named in " + origin + ") is not on the PATH");
    }
    String serverUrl = ImageReference.DOCKER_HUB.equals(registry) ? DOCKER_HUB_KEY : registry;
    Process process = new ProcessBuilder(executable.toString(), "get").start();
    byte[] out;
    byte[] err;
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // A helper may exit without reading its input (a broken pipe): its exit code and output
      // below say why, which is what the user needs to see.
      LOG.debug("{} did not read the server URL: {}", program, e.getMessage());
    }
    try (InputStream stdout = process.getInputStream();
        InputStream stderr = process.getErrorStream()) {
      out = readLimited(stdout);
      err = readLimited(stderr);
      if (!process.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(program + " get did not finish in " + HELPER_TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running " + program);
    }
    String helperOrigin = program + " (from " + origin + ")";
    if (process.exitValue() != 0) {
      String message =
          (new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8))
              .strip();
      if (message.toLowerCase(Locale.ROOT).contains("credentials not found")) {
        return Optional.empty();
      }
      throw new IOException(
          program
              + " get failed for "
              + serverUrl
              + " with exit code "
              + process.exitValue()
              + (message.isEmpty() ? "" : ": " + abbreviate(message)));
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(out);
    } catch (IOException e) {
      throw new IOException(program + " get printed something that is not JSON");
    }
    String username = answer == null ? null : text(answer, "Username");
    String secret = answer == null ? null : text(answer, "Secret");
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    if ("<token>".equals(username)) {
      return Optional.of(new Credentials(null, null, secret, helperOrigin));
    }
    if (username == null) {
      throw new IOException(program + " get returned a secret without a Username");
    }
    return Optional.of(Credentials.basic(username, secret, helperOrigin));
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) > 0) {
      if (buf.size() + n > 1 << 20) {
        throw new IOException("credential helper printed more than 1 MiB");
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  /** The exact key first, then any key that names the same host. */
  private static <V> V lookup(Map<String, V> map, String host) {
    V exact = map.get(host);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, V> e : map.entrySet()) {
      if (hostKey(e.getKey()).equals(host)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The host a config key names: {@code https://index.docker.io/v1/} and {@code
   * registry-1.docker.io} are {@code docker.io}; scheme and path are dropped.
   */
  static String hostKey(String key) {
    String k = key.strip();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    k = k.toLowerCase(Locale.ROOT);
    if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) {
      return ImageReference.DOCKER_HUB;
    }
    return k;
  }
}
