package io.quayctl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.testing.TestNetwork.Host;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestNetworkIT {

  @Test
  void hostsOnTheBridgeReachEachOtherButNotAHostBehindAGateway() throws Exception {
    try (TestNetwork net = TestNetwork.create()) {
      Host bastion = net.addHost("bastion");
      Host worker = net.addHost("worker");
      Host registry = net.addHostBehind(bastion, "registry");
      Process server = listen(registry, 5000);
      Process peer = listen(bastion, 6881);
      try {
        assertThat(TestNetwork.canConnect(bastion, registry.address(), 5000)).isTrue();
        assertThat(TestNetwork.canConnect(worker, registry.address(), 5000)).isFalse();
        assertThat(TestNetwork.canConnect(worker, bastion.address(), 6881)).isTrue();
      } finally {
        server.destroyForcibly();
        peer.destroyForcibly();
      }
    }
  }

  private static Process listen(Host host, int port) throws Exception {
    Process p =
        host.process(
                List.of(
                    "python3",
                    "-c",
                    "import socket,time\n"
                        + "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                        + "s.bind(('0.0.0.0',"
                        + port
                        + "));s.listen(8);print('up',flush=True)\n"
                        + "while True:\n c,_=s.accept();c.close()\n"))
            .redirectErrorStream(true)
            .start();
    byte[] buf = new byte[3];
    p.getInputStream().readNBytes(buf, 0, 3);
    TimeUnit.MILLISECONDS.sleep(50);
    return p;
  }
}
