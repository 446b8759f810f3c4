package io.quayctl.operator.testing;

import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link MockApiServer} as a standalone API server for multi-process tests: {@code
 * MockApiServerMain [host] [port]} prints {@code listening on URL} and serves until killed.
 */
public final class MockApiServerMain {
  private MockApiServerMain() {}

  /** Starts the server and blocks. */
  public static void main(String[] args) throws Exception {
    InetAddress host = InetAddress.getByName(args.length > 0 ? args[0] : "127.0.0.1");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    MockApiServer server = MockApiServer.start(host, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.println("listening on " + server.url());
    System.out.flush();
    stopped.await();
  }
}
