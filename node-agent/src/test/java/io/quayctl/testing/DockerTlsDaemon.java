package io.quayctl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A dockerd that listens only on TCP with mutual TLS, as remote engines are run: a test CA, server
 * and client certificates made with openssl, and a client directory laid out as {@code
 * DOCKER_CERT_PATH} expects ({@code ca.pem}, {@code cert.pem}, {@code key.pem}).
 */
public final class DockerTlsDaemon implements AutoCloseable {
  private final DaemonProcess process;
  private final String host;
  private final Path certPath;
  private final Path docker;

  private DockerTlsDaemon(DaemonProcess process, String host, Path certPath, Path docker) {
    this.process = process;
    this.host = host;
    this.certPath = certPath;
    this.docker = docker;
  }

  /** Starts the daemon on a free loopback port and waits until it answers over TLS. */
  public static DockerTlsDaemon start() throws IOException {
    Path dockerd = HostCommand.require("dockerd", "docker.io");
    Path docker = HostCommand.require("docker", "docker.io (docker CLI)");
    HostCommand.require("openssl", "openssl");
    Path dir = Files.createTempDirectory("quayctl-dockerd-tls-");
    Path certs = dir.resolve("client");
    Files.createDirectories(certs);
    makeCertificates(dir, certs);
    int port = FreePort.find();
    String host = "tcp://127.0.0.1:" + port;
    DaemonProcess process =
        DaemonProcess.start(
            "dockerd-tls",
            dir,
            List.of(
                dockerd.toString(),
                "--config-file=" + writeConfig(dir),
                "--data-root=" + dir.resolve("data"),
                "--exec-root=" + dir.resolve("exec"),
                "--pidfile=" + dir.resolve("docker.pid"),
                "-H",
                host,
                "--tlsverify",
                "--tlscacert=" + certs.resolve("ca.pem"),
                "--tlscert=" + dir.resolve("server-cert.pem"),
                "--tlskey=" + dir.resolve("server-key.pem"),
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
                "--storage-driver=vfs"));
    DockerTlsDaemon daemon = new DockerTlsDaemon(process, host, certs, docker);
    try {
      process.awaitReady(() -> daemon.answers(), Duration.ofSeconds(60));
    } catch (IOException | RuntimeException e) {
      process.close();
      throw e;
    }
    return daemon;
  }

  /** {@code tcp://127.0.0.1:port}, for DOCKER_HOST. */
  public String host() {
    return host;
  }

  /** The client certificate directory, for DOCKER_CERT_PATH. */
  public Path certPath() {
    return certPath;
  }

  /** Runs the docker CLI against this daemon over TLS. */
  public HostCommand.Result docker(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                docker.toString(),
                "--tlsverify",
                "--tlscacert=" + certPath.resolve("ca.pem"),
                "--tlscert=" + certPath.resolve("cert.pem"),
                "--tlskey=" + certPath.resolve("key.pem"),
                "-H",
                host));
    command.addAll(List.of(args));
    return HostCommand.run(Duration.ofSeconds(120), command);
  }

  private boolean answers() {
    try {
      return docker("version").exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path writeConfig(Path dir) throws IOException {
    Path config = dir.resolve("daemon.json");
    Files.writeString(config, "{}", StandardCharsets.UTF_8);
    return config;
  }

  private static void makeCertificates(Path dir, Path client) throws IOException {
    Files.writeString(
        dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    String ca = client.resolve("ca.pem").toString();
    String caKey = dir.resolve("ca-key.pem").toString();
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        caKey,
        "-out",
        ca,
        "-days",
        "2",
        "-subj",
        "/CN=quayctl-test-ca");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server-key.pem",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-out",
        "server-cert.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        client.resolve("key.pem").toString(),
        "-out",
        "client.csr",
        "-subj",
        "/CN=client");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-out",
        client.resolve("cert.pem").toString(),
        "-days",
        "2",
        "-extfile",
        "client.ext");
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("bash", "-c", "cd \"$0\" && exec openssl \"$@\"", dir.toString()));
    command.addAll(List.of(args));
    HostCommand.run(Duration.ofSeconds(60), command).orThrow();
  }

  /** The daemon's log tail, for failure messages. */
  public String logTail() {
    return process.logTail();
  }

  @Override
  public void close() {
    process.close();
  }
}
