package io.quayctl.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.ImageReference;
import io.quayctl.registry.RegistryException.Kind;
import io.quayctl.store.FileBlobStore;
import io.quayctl.testing.BlobStorageServer;
import io.quayctl.testing.CuttingProxy;
import io.quayctl.testing.ImageFixtures;
import io.quayctl.testing.ImageFixtures.Image;
import io.quayctl.testing.ImageFixtures.Layer;
import io.quayctl.testing.RegistryFront;
import io.quayctl.testing.RegistryServer;
import io.quayctl.testing.TokenServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryClient} against real registries with Basic and token authentication. */
class RegistryAuthIT {
  private static final Platform AMD64 = Platform.parse("linux/amd64");

  @TempDir Path tmp;

  private static CredentialProvider login(String registry, String user, String password)
      throws IOException {
    String json =
        "{\"auths\":{\""
            + registry
            + "\":{\"username\":\""
            + user
            + "\",\"password\":\""
            + password
            + "\"}}}";
    return DockerCredentials.fromDockerConfigJson(
        json.getBytes(StandardCharsets.UTF_8), "secret default/pull");
  }

  private static RegistryClient client(CredentialProvider credentials) {
    return RegistryClient.builder()
        .credentials(credentials)
        .retries(5, Duration.ofMillis(50))
        .build();
  }

  private void pullAll(RegistryClient client, ImageReference ref, Image image) throws IOException {
    FileBlobStore store = FileBlobStore.open(tmp.resolve("store-" + System.nanoTime()));
    ResolvedImage resolved = client.resolve(ref, AMD64);
    assertThat(resolved.manifestDigest()).isEqualTo(image.manifestDigest());
    client.fetch(ref, resolved.config(), store, Registry.TransferListener.NONE);
    for (Descriptor layer : resolved.uniqueLayers()) {
      client.fetch(ref, layer, store, Registry.TransferListener.NONE);
      assertThat(store.contains(layer.digest())).isTrue();
    }
  }

  @Test
  void basicAuthWithRightWrongAndMissingCredentials() throws IOException {
    try (RegistryServer registry = RegistryServer.basic("alice", "correct horse")) {
      Image image = ImageFixtures.image("basic", 2, 20_000, AMD64);
      ImageFixtures.push(registry, "team/basic", "v1", image);
      ImageReference ref = registry.ref("team/basic:v1");

      pullAll(client(login(registry.host(), "alice", "correct horse")), ref, image);

      assertThatThrownBy(() -> client(login(registry.host(), "alice", "wrong")).resolve(ref, AMD64))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessageContaining("access denied to image " + ref)
          .hasMessageContaining("credentials for " + registry.host() + " from secret default/pull")
          .hasMessageNotContaining("wrong");
      assertThatThrownBy(() -> client(CredentialProvider.NONE).resolve(ref, AMD64))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessageContaining("requires a login")
          .hasMessageContaining("no credentials for " + registry.host());
    }
  }

  @Test
  void anonymousBearerTokensAreFetchedOncePerScopeAndCached() throws IOException {
    try (TokenServer tokens = TokenServer.start(Map.of(), true);
        RegistryServer registry = RegistryServer.token(tokens)) {
      Image image = ImageFixtures.image("anon", 3, 10_000, AMD64, MediaTypes.OCI_MANIFEST);
      ImageFixtures.push(registry, "anon", "v1", image);
      int before = tokens.issued();

      pullAll(client(CredentialProvider.NONE), registry.ref("anon:v1"), image);

      assertThat(tokens.issued() - before).isEqualTo(1);
      TokenServer.Request asked = tokens.requests().get(tokens.requests().size() - 1);
      assertThat(asked.user()).isNull();
      assertThat(asked.scopes()).containsExactly("repository:anon:pull");
    }
  }

  @Test
  void bearerTokensWithCredentials() throws IOException {
    try (TokenServer tokens = TokenServer.start(Map.of("bob", "hunter2"), false);
        RegistryServer registry = RegistryServer.token(tokens)) {
      Image image = ImageFixtures.image("private", 2, 10_000, AMD64);
      ImageFixtures.push(registry, "private/app", "v1", image);
      ImageReference ref = registry.ref("private/app:v1");

      pullAll(client(login(registry.host(), "bob", "hunter2")), ref, image);
      assertThat(tokens.requests()).extracting(TokenServer.Request::user).contains("bob");

      assertThatThrownBy(() -> client(login(registry.host(), "bob", "nope")).resolve(ref, AMD64))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessageContaining("token server")
          .hasMessageContaining("credentials for " + registry.host() + " from secret default/pull");
      // An anonymous token carries no access: the registry keeps answering 401.
      assertThatThrownBy(() -> client(CredentialProvider.NONE).resolve(ref, AMD64))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
          .hasMessageContaining("access denied to image " + ref)
          .hasMessageContaining("no credentials for " + registry.host());
    }
  }

  @Test
  void aTokenThatExpiresMidDownloadIsRenewedAndTheDownloadResumes() throws IOException {
    try (TokenServer tokens = TokenServer.start(Map.of("bob", "hunter2"), false);
        RegistryServer registry = RegistryServer.token(tokens);
        CuttingProxy proxy = CuttingProxy.start(registry.port())) {
      Layer layer = ImageFixtures.layer("expiry", 2_000_000, 11);
      Image image = ImageFixtures.image(List.of(layer), AMD64, MediaTypes.OCI_MANIFEST, "expiry");
      ImageFixtures.push(registry, "expiry", "v1", image);
      ImageReference ref = ImageReference.parse(proxy.host() + "/expiry:v1");
      // The registry honours each token for 2 s although the client is told 300 s.
      tokens.tokenLifetime(Duration.ofSeconds(2), 300);
      RegistryClient client = client(login(proxy.host(), "bob", "hunter2"));
      FileBlobStore store = FileBlobStore.open(tmp.resolve("store"));
      ResolvedImage resolved = client.resolve(ref, AMD64);
      int issuedBefore = tokens.issued();
      // Drop the link half-way through the blob, after the token has expired.
      proxy.cutOnce(1_000_000, Duration.ofSeconds(3));

      client.fetch(ref, resolved.layers().get(0), store, Registry.TransferListener.NONE);

      assertThat(Files.readAllBytes(store.find(layer.digest()).orElseThrow()))
          .isEqualTo(layer.gzipped());
      assertThat(proxy.cuts()).isEqualTo(1);
      assertThat(tokens.issued()).isEqualTo(issuedBefore + 1);
      List<RegistryServer.Access> blobRequests =
          registry.accessLog().stream()
              .filter(a -> a.method().equals("GET"))
              .filter(a -> a.path().endsWith("/blobs/" + layer.digest()))
              .toList();
      assertThat(blobRequests)
          .extracting(RegistryServer.Access::status)
          .containsExactly(200, 401, 206);
      assertThat(blobRequests.get(2).bytes()).isLessThan(layer.gzipped().length);
    }
  }

  @Test
  void redirectToStorageIsFollowedWithoutAuthorization() throws IOException {
    try (TokenServer tokens = TokenServer.start(Map.of("bob", "hunter2"), false);
        RegistryServer registry = RegistryServer.token(tokens);
        RegistryFront front = RegistryFront.start(registry);
        BlobStorageServer storage = BlobStorageServer.start()) {
      Image image = ImageFixtures.image("redirect", 2, 30_000, AMD64, MediaTypes.OCI_MANIFEST);
      ImageFixtures.push(registry, "redirect", "v1", image);
      for (Layer l : image.layers()) {
        storage.put(l.gzipped());
      }
      front.redirectBlobsTo(storage);
      ImageReference ref = ImageReference.parse(front.host() + "/redirect:v1");
      RegistryClient client = client(login(front.host(), "bob", "hunter2"));

      pullAll(client, ref, image);
      Layer first = image.layers().get(0);
      try (InputStream in = client.openBlob(ref, first.digest(), 10, 100)) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(first.gzipped(), 10, 110));
      }

      assertThat(storage.requests()).hasSize(image.layers().size() + 1);
      assertThat(storage.requests()).noneMatch(BlobStorageServer.Seen::authorization);
      assertThat(storage.requests())
          .extracting(BlobStorageServer.Seen::status)
          .containsOnly(200, 206);
      // The registry itself saw the token on every blob request it redirected.
      assertThat(front.requests())
          .filteredOn(r -> r.status() == 307)
          .hasSize(image.layers().size() + 1)
          .allMatch(RegistryFront.Seen::authorization);
    }
  }
}
