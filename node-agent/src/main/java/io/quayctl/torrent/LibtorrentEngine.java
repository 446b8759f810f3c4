package io.quayctl.torrent;

import io.quayctl.api.Digest;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.libtorrent4j.AddTorrentParams;
import org.libtorrent4j.AlertListener;
import org.libtorrent4j.PeerInfo;
import org.libtorrent4j.SessionManager;
import org.libtorrent4j.SessionParams;
import org.libtorrent4j.SettingsPack;
import org.libtorrent4j.TorrentFlags;
import org.libtorrent4j.TorrentHandle;
import org.libtorrent4j.TorrentInfo;
import org.libtorrent4j.TorrentStatus;
import org.libtorrent4j.Vectors;
import org.libtorrent4j.alerts.Alert;
import org.libtorrent4j.alerts.AlertType;
import org.libtorrent4j.alerts.BlockFinishedAlert;
import org.libtorrent4j.alerts.FastresumeRejectedAlert;
import org.libtorrent4j.alerts.FileErrorAlert;
import org.libtorrent4j.alerts.HashFailedAlert;
import org.libtorrent4j.alerts.PeerBanAlert;
import org.libtorrent4j.alerts.PeerConnectAlert;
import org.libtorrent4j.alerts.PeerDisconnectedAlert;
import org.libtorrent4j.alerts.SaveResumeDataAlert;
import org.libtorrent4j.alerts.SaveResumeDataFailedAlert;
import org.libtorrent4j.alerts.TorrentAlert;
import org.libtorrent4j.alerts.TorrentErrorAlert;
import org.libtorrent4j.alerts.TorrentRemovedAlert;
import org.libtorrent4j.alerts.TrackerErrorAlert;
import org.libtorrent4j.alerts.TrackerReplyAlert;
import org.libtorrent4j.swig.add_torrent_params;
import org.libtorrent4j.swig.address;
import org.libtorrent4j.swig.error_code;
import org.libtorrent4j.swig.ip_filter;
import org.libtorrent4j.swig.libtorrent;
import org.libtorrent4j.swig.peer_info;
import org.libtorrent4j.swig.settings_pack;
import org.libtorrent4j.swig.string_vector;
import org.libtorrent4j.swig.tcp_endpoint_vector;
import org.libtorrent4j.swig.torrent_flags_t;
import org.libtorrent4j.swig.torrent_handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TorrentEngine} on libtorrent (through libtorrent4j): one session per process.
 *
 * <p>Threading: one thread (the <em>loop</em>) owns every transfer's state. libtorrent's alert
 * thread only copies what an alert says into an {@link Event} and queues it on the loop; public
 * methods queue their work there too. Whole-blob hashing runs on a separate verifier thread and
 * reports back to the loop with an event.
 *
 * <p>Data path of a download: libtorrent writes the single file straight to the store's partial
 * path (the torrent's file name is the digest's hex, the save path the store's {@code partial/}
 * directory); when every piece has passed its SHA-1 check the torrent is taken out of the session,
 * the whole file is hashed against the digest and committed into the store by rename, and then
 * seeded from its final path. Progress is kept in fast-resume files (every 5 s and on close) so a
 * restarted process does not download again what it has; after a crash, when the partial file is
 * newer than its resume data, libtorrent checks the file instead and keeps every good piece.
 */
public final class LibtorrentEngine implements TorrentEngine {
  /** A tracker that answered within this long is not reported as failing. */
  private static final Duration TRACKER_SILENCE = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(LibtorrentEngine.class);

  /** libtorrent's global peer class ({@code session_handle::global_peer_class_id}). */
  private static final long GLOBAL_PEER_CLASS = 0;

  private static final int BLOCK_SIZE = 16 * 1024;
  private static final Duration RESUME_SAVE_INTERVAL = Duration.ofSeconds(5);
  private static final Duration CLOSE_RESUME_WAIT = Duration.ofSeconds(10);

  private final EngineConfig config;
  private final BlobStore store;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  private final ExecutorService verifier;

  // Owned by the loop thread.
  private SessionManager session;
  private final Map<InfoHash, Transfer> transfers = new HashMap<>();
  // Trackers warned about as failing, and when each last answered (loop thread only).
  private final Set<String> failingTrackers = new HashSet<>();
  private final Map<String, Instant> trackerAnswered = new HashMap<>();
  private final Map<Digest, Transfer> byDigest = new HashMap<>();
  private CompletableFuture<Void> resumeSavesOnClose;
  private volatile int listenPort;

  private volatile boolean closed;

  /** Events the loop consumes; produced from alerts, the verifier and the engine's own calls. */
  private sealed interface Event {
    InfoHash infoHash();
  }

  private record Finished(InfoHash infoHash) implements Event {}

  private record Removed(InfoHash infoHash) implements Event {}

  private record Failed(InfoHash infoHash, String message) implements Event {}

  private record ResumeData(InfoHash infoHash, byte[] data) implements Event {}

  private record ResumeDataFailed(InfoHash infoHash, String message) implements Event {}

  private record HashFailed(InfoHash infoHash, int piece) implements Event {}

  private record PeerBanned(InfoHash infoHash, String endpoint) implements Event {}

  private record ResumeRejected(InfoHash infoHash, String message) implements Event {}

  private record BlockReceived(InfoHash infoHash, String endpoint, int piece, int block)
      implements Event {}

  private record Verified(InfoHash infoHash, Path blob, IOException error) implements Event {}

  private record TrackerFailed(InfoHash infoHash, String tracker, String message, int timesInRow)
      implements Event {}

  private record TrackerReplied(InfoHash infoHash, String tracker, int peers) implements Event {}

  private record PeerConnected(InfoHash infoHash, String endpoint) implements Event {}

  private record PeerDisconnected(InfoHash infoHash, String endpoint, String reason)
      implements Event {}

  /** One blob the engine works on. */
  private static final class Transfer {
    final Metainfo metainfo;
    TransferStats.State state;
    TorrentHandle handle;
    DownloadRequest request;
    CompletableFuture<Path> completion;
    Path dataPath;
    Instant deadline;
    Instant lastResumeSave;
    boolean removalRequested;
    boolean resumeSaveOnClose;
    final List<URI> trackers = new ArrayList<>();
    long fromPeers;
    final Map<String, Long> fromPeersByEndpoint = new HashMap<>();
    long fromWebSeed;
    String webSeedEndpoint;
    // Uploads of handles that were replaced (download, then seed), and of this handle.
    long baseUploaded;
    long uploaded;
    long have;
    long failedBytes;
    int hashFailures;
    final Set<String> banned = new LinkedHashSet<>();
    long downloadRate;
    long uploadRate;
    List<PeerStats> peers = List.of();

    Transfer(Metainfo metainfo) {
      this.metainfo = metainfo;
    }

    /** Folds the current handle's counters into the base before the handle goes away. */
    void retireHandle() {
      baseUploaded += uploaded;
      uploaded = 0;
      downloadRate = 0;
      uploadRate = 0;
      peers = List.of();
      handle = null;
    }

    TransferStats stats() {
      return new TransferStats(
          metainfo.digest(),
          state,
          metainfo.length(),
          have,
          fromPeers,
          fromWebSeed,
          baseUploaded + uploaded,
          failedBytes,
          downloadRate,
          uploadRate,
          peers,
          fromPeersByEndpoint,
          banned);
    }
  }

  /**
   * Creates an engine (no I/O until {@link #start()}). Downloads go into {@code store}; fast-resume
   * files into {@code config.resumeDir()}; timeouts are measured with {@code clock}.
   */
  public LibtorrentEngine(EngineConfig config, BlobStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "torrent-engine");
              t.setDaemon(true);
              return t;
            });
    this.verifier =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "torrent-verify");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void start() throws IOException {
    Files.createDirectories(config.resumeDir());
    NativeLibrary.load();
    try {
      call(
          () -> {
            startSession();
            return null;
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    long every = config.tick().toMillis();
    loop.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * The alerts the engine acts on (libtorrent4j's alert types need the native library); with {@code
   * peers}, also each peer's connection and disconnection, for debug logs.
   */
  private static int[] alertTypes(boolean peers) {
    int[] always = alertTypes();
    if (!peers) {
      return always;
    }
    int[] all = Arrays.copyOf(always, always.length + 2);
    all[always.length] = AlertType.PEER_CONNECT.swig();
    all[always.length + 1] = AlertType.PEER_DISCONNECTED.swig();
    return all;
  }

  private static int[] alertTypes() {
    return new int[] {
      AlertType.TRACKER_ERROR.swig(),
      AlertType.TRACKER_REPLY.swig(),
      AlertType.TORRENT_FINISHED.swig(),
      AlertType.TORRENT_REMOVED.swig(),
      AlertType.TORRENT_ERROR.swig(),
      AlertType.FILE_ERROR.swig(),
      AlertType.SAVE_RESUME_DATA.swig(),
      AlertType.SAVE_RESUME_DATA_FAILED.swig(),
      AlertType.HASH_FAILED.swig(),
      AlertType.PEER_BAN.swig(),
      AlertType.FASTRESUME_REJECTED.swig(),
      AlertType.BLOCK_FINISHED.swig(),
    };
  }

  private void startSession() {
    SettingsPack sp = new SettingsPack();
    sp.setBoolean(settings_pack.bool_types.enable_dht.swigValue(), false);
    sp.setBoolean(settings_pack.bool_types.enable_lsd.swigValue(), false);
    sp.setBoolean(settings_pack.bool_types.enable_upnp.swigValue(), false);
    sp.setBoolean(settings_pack.bool_types.enable_natpmp.swigValue(), false);
    // SessionManager adds public DHT routers unless the setting is present.
    sp.setDhtBootstrapNodes("");
    // uTP is an order of magnitude slower than TCP on fast links (measured 10-12 vs ~170 MB/s).
    sp.setBoolean(settings_pack.bool_types.enable_outgoing_utp.swigValue(), false);
    sp.setBoolean(settings_pack.bool_types.enable_incoming_utp.swigValue(), false);
    // Cluster peers may share an address (NAT, loopback, several agents per host).
    sp.setBoolean(settings_pack.bool_types.allow_multiple_connections_per_ip.swigValue(), true);
    sp.setInteger(
        settings_pack.int_types.connection_speed.swigValue(), config.connectionsPerSecond());
    sp.setInteger(
        settings_pack.int_types.download_rate_limit.swigValue(),
        config.downloadRateLimitKiB() * 1024);
    sp.setInteger(
        settings_pack.int_types.upload_rate_limit.swigValue(), config.uploadRateLimitKiB() * 1024);
    sp.setInteger(settings_pack.int_types.out_enc_policy.swigValue(), config.encryption());
    sp.setInteger(settings_pack.int_types.in_enc_policy.swigValue(), config.encryption());
    sp.setInteger(
        settings_pack.int_types.allowed_enc_level.swigValue(),
        settings_pack.enc_level.pe_both.swigValue());
    sp.listenInterfaces(config.listenAddress() + ":" + config.listenPort());
    sp.setInteger(
        settings_pack.int_types.max_retry_port_bind.swigValue(), config.listenPortRetries());
    sp.setBoolean(
        settings_pack.bool_types.listen_system_port_fallback.swigValue(), config.listenPort() == 0);
    // libtorrent clamps tracker intervals to at least 5 minutes by default, longer than a cluster
    // tracker keeps silent peers: follow the tracker's interval instead.
    sp.setInteger(settings_pack.int_types.min_announce_interval.swigValue(), 5);
    sp.setBoolean(settings_pack.bool_types.announce_to_all_trackers.swigValue(), true);
    sp.setBoolean(settings_pack.bool_types.announce_to_all_tiers.swigValue(), true);
    // Bytes from peers are counted from block alerts: a full queue would drop some (one alert per
    // 16 KiB block). Room for a few seconds of a busy host's blocks when the alert thread lags.
    sp.setInteger(settings_pack.int_types.alert_queue_size.swigValue(), 50_000);
    SessionParams params = new SessionParams(sp);
    // libtorrent's default mmap disk I/O replaces the JVM's SIGSEGV/SIGBUS handlers: the JVM
    // then dies at random (exit 139). Never run without posix disk I/O.
    params.setPosixDiskIO();
    SessionManager s = new SessionManager(false);
    int[] types = alertTypes(log.isDebugEnabled());
    s.addListener(
        new AlertListener() {
          @Override
          public int[] types() {
            return types;
          }

          @Override
          public void alert(Alert<?> alert) {
            Event e = toEvent(alert);
            if (e != null) {
              post(e);
            }
          }
        });
    s.start(params);
    applyRateLimitsToLocalPeers(s);
    session = s;
    Instant until = clock.instant().plusSeconds(10);
    while ((listenPort = s.swig().listen_port()) == 0 && clock.instant().isBefore(until)) {
      sleep(20);
    }
    if (listenPort == 0) {
      s.stop();
      throw new UncheckedIOException(
          new java.net.BindException(
              "no port free for peers on "
                  + config.listenAddress()
                  + " in "
                  + config.listenPort()
                  + "-"
                  + (config.listenPort() + config.listenPortRetries())));
    }
    log.info("torrent engine listening on {}:{}", config.listenAddress(), listenPort);
  }

  /**
   * By default libtorrent puts peers on loopback and private networks into its local peer class,
   * which rate limits skip; a cluster's peers are all local, so map every address to the global
   * class only.
   */
  private static void applyRateLimitsToLocalPeers(SessionManager s) {
    ip_filter filter = new ip_filter();
    error_code ec = new error_code();
    filter.add_rule(
        address.from_string("0.0.0.0", ec),
        address.from_string("255.255.255.255", ec),
        1L << GLOBAL_PEER_CLASS);
    filter.add_rule(
        address.from_string("::", ec),
        address.from_string("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ec),
        1L << GLOBAL_PEER_CLASS);
    s.swig().set_peer_class_filter(filter);
  }

  @Override
  public int listenPort() {
    return listenPort;
  }

  // ---- alert thread: copy, never mutate ----

  private Event toEvent(Alert<?> alert) {
    if (alert instanceof TorrentRemovedAlert a) {
      // The handle of a removed torrent is no longer valid: the alert carries the infohash.
      return new Removed(InfoHash.parse(a.getInfoHashes().getV1().toHex()));
    }
    if (!(alert instanceof TorrentAlert<?> ta)) {
      return null;
    }
    InfoHash ih = InfoHash.parse(ta.handle().infoHash().toHex());
    if (alert instanceof BlockFinishedAlert a) {
      // Bytes are counted by block as they arrive: libtorrent's own payload counters are updated
      // once a second and lose a short download entirely.
      String source = endpointKey(a.endpoint().address().toString(), a.endpoint().port());
      return new BlockReceived(ih, source, a.pieceIndex(), a.blockIndex());
    }
    if (alert instanceof SaveResumeDataAlert a) {
      return new ResumeData(ih, AddTorrentParams.writeResumeDataBuf(a.params()));
    }
    if (alert instanceof HashFailedAlert a) {
      return new HashFailed(ih, a.pieceIndex());
    }
    if (alert instanceof PeerBanAlert a) {
      return new PeerBanned(ih, a.endpoint().toString());
    }
    if (alert instanceof TorrentErrorAlert a) {
      return new Failed(ih, "torrent error: " + a.error().getMessage() + " " + a.filename());
    }
    if (alert instanceof FileErrorAlert a) {
      return new Failed(ih, "file error: " + a.error().getMessage() + " on " + a.filename());
    }
    if (alert instanceof SaveResumeDataFailedAlert a) {
      return new ResumeDataFailed(ih, a.message());
    }
    if (alert instanceof FastresumeRejectedAlert a) {
      return new ResumeRejected(ih, a.message());
    }
    if (alert instanceof TrackerErrorAlert a) {
      String why = a.errorMessage();
      if (why == null || why.isBlank()) {
        why = a.error().getMessage();
      }
      return new TrackerFailed(ih, a.trackerUrl(), why, a.timesInRow());
    }
    if (alert instanceof TrackerReplyAlert a) {
      return new TrackerReplied(ih, a.trackerUrl(), a.numPeers());
    }
    if (alert instanceof PeerConnectAlert a) {
      return new PeerConnected(
          ih, endpointKey(a.endpoint().address().toString(), a.endpoint().port()));
    }
    if (alert instanceof PeerDisconnectedAlert a) {
      return new PeerDisconnected(
          ih,
          endpointKey(a.endpoint().address().toString(), a.endpoint().port()),
          a.error().getMessage());
    }
    return switch (alert.type()) {
      case TORRENT_FINISHED -> new Finished(ih);
      default -> null;
    };
  }

  private void post(Event e) {
    try {
      loop.execute(() -> handle(e));
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // Closing: the event has nothing left to act on.
    }
  }

  // ---- the loop ----

  private void handle(Event e) {
    Transfer t = transfers.get(e.infoHash());
    if (t == null) {
      return;
    }
    try {
      if (e instanceof Finished) {
        onFinished(t);
      } else if (e instanceof Removed) {
        onRemoved(t);
      } else if (e instanceof Verified v) {
        onVerified(t, v);
      } else if (e instanceof Failed f) {
        if (t.state == TransferStats.State.FAILED) {
          // One failure is reported; a full disk fails every write still in flight after it.
          log.debug("{}: {}", t.metainfo.digest(), f.message());
        } else if (t.state == TransferStats.State.SEEDING) {
          log.warn("seeding {}: {}", t.metainfo.digest(), f.message());
        } else {
          fail(t, "download of " + t.metainfo.digest() + " failed: " + f.message());
        }
      } else if (e instanceof ResumeData r) {
        onResumeData(t, r.data());
      } else if (e instanceof ResumeDataFailed r) {
        log.debug("resume data of {} not saved: {}", t.metainfo.digest(), r.message());
        resumeSaveDone(t);
      } else if (e instanceof BlockReceived b) {
        long bytes = blockBytes(t.metainfo, b.piece(), b.block());
        // A web seed gets a peer id like any peer; its endpoint is what identifies it.
        if (b.endpoint().equals(t.webSeedEndpoint)) {
          t.fromWebSeed += bytes;
        } else {
          t.fromPeers += bytes;
          t.fromPeersByEndpoint.merge(b.endpoint(), bytes, Long::sum);
        }
      } else if (e instanceof HashFailed h) {
        t.hashFailures++;
        t.failedBytes += pieceBytes(t.metainfo, h.piece());
        log.debug("{}: piece {} failed its hash check", t.metainfo.digest(), h.piece());
      } else if (e instanceof PeerBanned b) {
        if (t.banned.add(b.endpoint())) {
          log.warn(
              "{}: banned peer {} for sending corrupt data", t.metainfo.digest(), b.endpoint());
        }
      } else if (e instanceof TrackerFailed f) {
        // libtorrent announces every blob to every tracker from each listen socket, and some of
        // those cannot reach the tracker: warn once for a tracker that answered nothing lately,
        // not at each retry of each blob from each socket.
        // "skipping tracker announce (unreachable)" is such a socket (loopback, say) being left
        // out: a failure only when it goes on and no socket got an answer.
        Instant answered = trackerAnswered.get(f.tracker());
        boolean silent =
            answered == null || answered.isBefore(clock.instant().minus(TRACKER_SILENCE));
        boolean skipped = f.message() != null && f.message().contains("skipping tracker announce");
        if (silent && (!skipped || f.timesInRow() >= 3) && failingTrackers.add(f.tracker())) {
          log.warn("tracker {} failed: {} (retrying)", f.tracker(), f.message());
        } else {
          log.debug(
              "{}: tracker {} failed {} times in a row: {}",
              t.metainfo.digest(),
              f.tracker(),
              f.timesInRow(),
              f.message());
        }
      } else if (e instanceof TrackerReplied r) {
        trackerAnswered.put(r.tracker(), clock.instant());
        if (failingTrackers.remove(r.tracker())) {
          log.info("tracker {} answers again", r.tracker());
        }
        log.debug(
            "{}: tracker {} answered with {} peers", t.metainfo.digest(), r.tracker(), r.peers());
      } else if (e instanceof PeerConnected c) {
        log.debug("{}: connected to peer {}", t.metainfo.digest(), c.endpoint());
      } else if (e instanceof PeerDisconnected d) {
        log.debug("{}: peer {} disconnected: {}", t.metainfo.digest(), d.endpoint(), d.reason());
      } else if (e instanceof ResumeRejected r) {
        log.info(
            "{}: fast-resume data rejected ({}), rechecking", t.metainfo.digest(), r.message());
      }
    } catch (RuntimeException ex) {
      log.error("torrent engine: handling {} failed", e, ex);
    }
  }

  private void onFinished(Transfer t) {
    if (t.state != TransferStats.State.DOWNLOADING && t.state != TransferStats.State.CHECKING) {
      return;
    }
    poll(t);
    t.state = TransferStats.State.VERIFYING;
    t.retireHandle();
    removeFromSession(t);
  }

  private void onRemoved(Transfer t) {
    if (!t.removalRequested) {
      return;
    }
    t.removalRequested = false;
    if (t.state != TransferStats.State.VERIFYING) {
      forget(t);
      return;
    }
    // libtorrent has let go of the file: hash the whole blob and commit it, off the loop.
    Digest digest = t.metainfo.digest();
    Path partial = t.dataPath;
    InfoHash ih = t.metainfo.infoHash();
    verifier.execute(
        () -> {
          try {
            post(new Verified(ih, store.commit(digest, partial), null));
          } catch (IOException e) {
            post(new Verified(ih, null, e));
          }
        });
  }

  private void onVerified(Transfer t, Verified v) {
    deleteResumeFile(t.metainfo);
    if (v.error() != null) {
      t.state = TransferStats.State.FAILED;
      log.error("{}: {}", t.metainfo.digest(), v.error().getMessage());
      t.completion.completeExceptionally(v.error());
      forget(t);
      return;
    }
    log.info(
        "{}: downloaded and verified ({} bytes from peers, {} from the web seed)",
        t.metainfo.digest(),
        t.fromPeers,
        t.fromWebSeed);
    CompletableFuture<Path> completion = t.completion;
    if (t.request.seedWhenDone()) {
      try {
        addSeed(t, v.blob());
      } catch (IOException e) {
        log.warn("{}: cannot seed after download: {}", t.metainfo.digest(), e.getMessage());
        forget(t);
      }
    } else {
      forget(t);
    }
    completion.complete(v.blob());
  }

  private void onResumeData(Transfer t, byte[] data) {
    if (t.state == TransferStats.State.DOWNLOADING || t.state == TransferStats.State.CHECKING) {
      try {
        writeAtomically(resumeFile(t.metainfo), data);
      } catch (IOException e) {
        log.warn("{}: cannot write resume data: {}", t.metainfo.digest(), e.getMessage());
      }
    }
    resumeSaveDone(t);
  }

  private void resumeSaveDone(Transfer t) {
    if (t.resumeSaveOnClose) {
      t.resumeSaveOnClose = false;
      if (transfers.values().stream().noneMatch(x -> x.resumeSaveOnClose)
          && resumeSavesOnClose != null) {
        resumeSavesOnClose.complete(null);
      }
    }
  }

  private void tick() {
    if (session == null) {
      return;
    }
    Instant now = clock.instant();
    for (Transfer t : List.copyOf(transfers.values())) {
      try {
        if (t.handle == null) {
          continue;
        }
        poll(t);
        if (t.state == TransferStats.State.DOWNLOADING || t.state == TransferStats.State.CHECKING) {
          if (now.isAfter(t.deadline)) {
            fail(t, timeoutMessage(t));
            continue;
          }
          if (t.lastResumeSave == null
              || Duration.between(t.lastResumeSave, now).compareTo(RESUME_SAVE_INTERVAL) >= 0) {
            t.lastResumeSave = now;
            if (t.handle.needSaveResumeData()) {
              t.handle.saveResumeData(TorrentHandle.ONLY_IF_MODIFIED);
            }
          }
        }
      } catch (RuntimeException e) {
        log.warn("polling {} failed", t.metainfo.digest(), e);
      }
    }
  }

  private static String timeoutMessage(Transfer t) {
    StringBuilder sb = new StringBuilder();
    sb.append("download of ")
        .append(t.metainfo.digest())
        .append(" timed out after ")
        .append(t.request.timeout())
        .append(": ")
        .append(t.have)
        .append(" of ")
        .append(t.metainfo.length())
        .append(" bytes verified");
    if (t.hashFailures > 0) {
      sb.append(", ")
          .append(t.hashFailures)
          .append(" pieces failed their hash check (")
          .append(t.failedBytes)
          .append(" bytes of corrupt data)");
    }
    if (!t.banned.isEmpty()) {
      sb.append(", banned peers ").append(t.banned);
    }
    if (t.peers.isEmpty()) {
      sb.append(", no peers connected");
    }
    return sb.append("; nothing was committed").toString();
  }

  private static String endpointKey(String ip, int port) {
    return ip + ":" + port;
  }

  /** The {@code ip:port} libtorrent will connect to for a web seed URL. */
  private static String endpointKey(URI url) {
    int port = url.getPort() >= 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
    try {
      return endpointKey(java.net.InetAddress.getByName(url.getHost()).getHostAddress(), port);
    } catch (java.net.UnknownHostException e) {
      return endpointKey(url.getHost(), port);
    }
  }

  /** Size of a piece; the last one may be shorter. */
  private static long pieceBytes(Metainfo m, int piece) {
    return Math.max(0, Math.min(m.pieceLength(), m.length() - (long) piece * m.pieceLength()));
  }

  /** Size of a 16 KiB request block; the last block of the last piece may be shorter. */
  private static long blockBytes(Metainfo m, int piece, int block) {
    return Math.max(0, Math.min(BLOCK_SIZE, pieceBytes(m, piece) - (long) block * BLOCK_SIZE));
  }

  /** Refreshes a transfer's counters from libtorrent. */
  private void poll(Transfer t) {
    TorrentStatus st = t.handle.status();
    if (t.state != TransferStats.State.SEEDING) {
      t.have = st.totalWantedDone();
    }
    t.uploaded = st.totalPayloadUpload();
    t.downloadRate = st.downloadPayloadRate();
    t.uploadRate = st.uploadPayloadRate();
    if (t.state == TransferStats.State.CHECKING || t.state == TransferStats.State.DOWNLOADING) {
      t.state =
          switch (st.state()) {
            case CHECKING_FILES, CHECKING_RESUME_DATA -> TransferStats.State.CHECKING;
            default -> TransferStats.State.DOWNLOADING;
          };
    }
    List<PeerStats> peers = new ArrayList<>();
    int seedFlag = peer_info.seed.to_int();
    for (PeerInfo p : t.handle.peerInfo()) {
      boolean web =
          p.connectionType() == PeerInfo.ConnectionType.WEB_SEED
              || p.connectionType() == PeerInfo.ConnectionType.HTTP_SEED;
      peers.add(
          new PeerStats(
              p.ip(),
              p.client(),
              web,
              (p.flags() & seedFlag) != 0,
              p.totalDownload(),
              p.totalUpload()));
    }
    t.peers = peers;
  }

  private void fail(Transfer t, String message) {
    t.state = TransferStats.State.FAILED;
    log.warn(message);
    if (t.completion != null) {
      t.completion.completeExceptionally(new TorrentDownloadException(message));
    }
    if (t.handle != null) {
      t.retireHandle();
      removeFromSession(t);
    }
    forget(t);
  }

  private void removeFromSession(Transfer t) {
    torrent_handle th = session.swig().find_torrent(sha1(t.metainfo.infoHash()));
    if (th != null && th.is_valid()) {
      t.removalRequested = true;
      session.swig().remove_torrent(th);
    } else {
      post(new Removed(t.metainfo.infoHash()));
      t.removalRequested = true;
    }
  }

  /** Drops a transfer from the engine's books (its torrent is out of the session or leaving). */
  private void forget(Transfer t) {
    byDigest.remove(t.metainfo.digest(), t);
    if (!t.removalRequested) {
      // Otherwise kept by infohash until libtorrent confirms the removal, so that its alerts are
      // not taken for those of a torrent added again.
      transfers.remove(t.metainfo.infoHash());
    }
  }

  // ---- public operations, run on the loop ----

  @Override
  public void seed(Path blob, Metainfo metainfo, List<URI> trackers) throws IOException {
    requireStarted();
    try {
      call(
          () -> {
            Transfer t = transfers.get(metainfo.infoHash());
            if (t != null && t.state == TransferStats.State.SEEDING) {
              addTrackers(t, trackers);
              return null;
            }
            if (t != null) {
              throw new IllegalStateException(
                  metainfo.digest() + " is being downloaded (" + t.state + "), not seeded");
            }
            t = new Transfer(metainfo);
            t.trackers.addAll(trackers);
            try {
              addSeed(t, blob);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            return null;
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void addSeed(Transfer t, Path blob) throws IOException {
    if (!Files.isRegularFile(blob) || Files.size(blob) != t.metainfo.length()) {
      throw new IOException(
          "cannot seed " + t.metainfo.digest() + ": " + blob + " is missing or of the wrong size");
    }
    t.dataPath = blob;
    t.state = TransferStats.State.SEEDING;
    t.have = t.metainfo.length();
    // Seed mode: the store verified the blob; libtorrent checks each piece on first upload.
    torrent_flags_t flags = TorrentFlags.SEED_MODE;
    t.handle = add(t, blob, null, null, List.of(), flags);
    transfers.put(t.metainfo.infoHash(), t);
    byDigest.put(t.metainfo.digest(), t);
  }

  private void addTrackers(Transfer t, List<URI> trackers) {
    for (URI u : trackers) {
      if (!t.trackers.contains(u)) {
        t.trackers.add(u);
        if (t.handle != null) {
          t.handle.addTracker(new org.libtorrent4j.AnnounceEntry(u.toString()));
        }
      }
    }
  }

  @Override
  public Download download(DownloadRequest request) {
    requireStarted();
    Metainfo m = request.metainfo();
    String webSeedEndpoint = request.webSeed() == null ? null : endpointKey(request.webSeed());
    return call(
        () -> {
          Transfer existing = transfers.get(m.infoHash());
          if (existing != null && existing.completion != null && !existing.completion.isDone()) {
            addTrackers(existing, request.trackers());
            return new Download(m.digest(), existing.completion);
          }
          Optional<Path> have = store.find(m.digest());
          if (have.isPresent()) {
            if (request.seedWhenDone() && existing == null) {
              Transfer t = new Transfer(m);
              t.trackers.addAll(request.trackers());
              try {
                addSeed(t, have.get());
              } catch (IOException e) {
                log.warn("{}: cannot seed: {}", m.digest(), e.getMessage());
              }
            }
            return new Download(m.digest(), CompletableFuture.completedFuture(have.get()));
          }
          if (existing != null) {
            // Seeding with no blob in the store: it was deleted underneath; start over.
            if (existing.handle != null) {
              existing.retireHandle();
              removeFromSession(existing);
            }
            return new Download(
                m.digest(),
                CompletableFuture.failedFuture(
                    new TorrentDownloadException(
                        m.digest() + " is being removed from the engine; retry")));
          }
          Transfer t = new Transfer(m);
          t.request = request;
          t.completion = new CompletableFuture<>();
          t.deadline = clock.instant().plus(request.timeout());
          t.state = TransferStats.State.CHECKING;
          t.trackers.addAll(request.trackers());
          t.webSeedEndpoint = webSeedEndpoint;
          Path partial = store.partialPath(m.digest());
          t.dataPath = partial;
          try {
            Files.createDirectories(partial.getParent());
            t.handle =
                add(
                    t,
                    partial,
                    readResumeData(m, partial),
                    request.webSeed(),
                    request.knownPeers(),
                    new torrent_flags_t());
          } catch (IOException | RuntimeException e) {
            t.completion.completeExceptionally(e);
            return new Download(m.digest(), t.completion);
          }
          transfers.put(m.infoHash(), t);
          byDigest.put(m.digest(), t);
          return new Download(m.digest(), t.completion);
        });
  }

  /** Adds a torrent whose single file lives at {@code file}. */
  private TorrentHandle add(
      Transfer t,
      Path file,
      add_torrent_params resume,
      URI webSeed,
      List<InetSocketAddress> peers,
      torrent_flags_t extraFlags)
      throws IOException {
    TorrentInfo ti = new TorrentInfo(t.metainfo.bytes());
    String fileName = file.getFileName().toString();
    if (!ti.files().filePath(0).equals(fileName)) {
      ti.renameFile(0, fileName);
    }
    add_torrent_params p = resume != null ? resume : new add_torrent_params();
    p.set_ti(ti.swig());
    p.setSave_path(file.toAbsolutePath().getParent().toString());
    List<String> trackers = new ArrayList<>();
    for (URI u : t.trackers) {
      trackers.add(u.toString());
    }
    p.setTrackers(new string_vector(trackers));
    p.setUrl_seeds(
        webSeed == null ? new string_vector() : new string_vector(List.of(webSeed.toString())));
    if (!peers.isEmpty()) {
      tcp_endpoint_vector v = new tcp_endpoint_vector();
      for (InetSocketAddress a : peers) {
        v.add(
            new org.libtorrent4j.TcpEndpoint(a.getAddress().getHostAddress(), a.getPort()).swig());
      }
      p.setPeers(v);
    }
    torrent_flags_t flags =
        p.getFlags()
            .and_(TorrentFlags.AUTO_MANAGED.inv())
            .and_(TorrentFlags.PAUSED.inv())
            .or_(TorrentFlags.DISABLE_DHT)
            .or_(TorrentFlags.DISABLE_LSD)
            .or_(TorrentFlags.DISABLE_PEX)
            .or_(extraFlags);
    p.setFlags(flags);
    error_code ec = new error_code();
    torrent_handle th = session.swig().add_torrent(p, ec);
    if (ec.value() != 0 || th == null || !th.is_valid()) {
      throw new IOException(
          "libtorrent refused " + t.metainfo.digest() + ": " + ec.message() + " (" + file + ")");
    }
    return new TorrentHandle(th);
  }

  /**
   * The fast-resume data of a partial download, when it can be trusted. libtorrent 2.0 takes the
   * piece bitfield of resume data as the truth and does not look at the file (it no longer keeps
   * file times in resume data), so resume data older than the partial file's last write, left by a
   * process that was killed after saving it, would make it fetch again every piece completed since.
   * Without resume data libtorrent checks the existing file and keeps every piece that hashes
   * right.
   */
  private add_torrent_params readResumeData(Metainfo m, Path partial) {
    Path file = resumeFile(m);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      if (Files.isRegularFile(partial)
          && Files.getLastModifiedTime(partial).compareTo(Files.getLastModifiedTime(file)) >= 0) {
        log.info(
            "{}: the partial download was written after its resume data was saved (the process"
                + " stopped without saving it again): checking {} instead",
            m.digest(),
            partial);
        return null;
      }
      byte[] data = Files.readAllBytes(file);
      error_code ec = new error_code();
      add_torrent_params p = libtorrent.read_resume_data_ex(Vectors.bytes2byte_vector(data), ec);
      if (ec.value() != 0) {
        log.warn("{}: ignoring unreadable resume data: {}", m.digest(), ec.message());
        return null;
      }
      return p;
    } catch (IOException e) {
      log.warn("{}: ignoring resume data: {}", m.digest(), e.getMessage());
      return null;
    }
  }

  private Path resumeFile(Metainfo m) {
    return config.resumeDir().resolve(m.digest().hex() + ".resume");
  }

  private void deleteResumeFile(Metainfo m) {
    try {
      Files.deleteIfExists(resumeFile(m));
    } catch (IOException e) {
      log.debug("cannot delete resume data of {}: {}", m.digest(), e.getMessage());
    }
  }

  @Override
  public Optional<TransferStats> stats(Digest digest) {
    if (closed) {
      return Optional.empty();
    }
    return call(() -> Optional.ofNullable(byDigest.get(digest)).map(Transfer::stats));
  }

  @Override
  public void remove(Digest digest) {
    requireStarted();
    call(
        () -> {
          Transfer t = byDigest.get(digest);
          if (t == null) {
            return null;
          }
          if (t.completion != null && !t.completion.isDone()) {
            t.completion.completeExceptionally(
                new CancellationException("download of " + digest + " was cancelled"));
          }
          t.state = TransferStats.State.FAILED;
          if (t.handle != null) {
            t.retireHandle();
            removeFromSession(t);
          }
          forget(t);
          return null;
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (session != null) {
      try {
        CompletableFuture<Void> saved = call(this::requestResumeSaves);
        saved.get(CLOSE_RESUME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn("resume data not saved within {}", CLOSE_RESUME_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | RuntimeException e) {
        log.warn("saving resume data on close failed", e);
      }
      call(
          () -> {
            for (Transfer t : transfers.values()) {
              if (t.completion != null && !t.completion.isDone()) {
                t.completion.completeExceptionally(
                    new TorrentDownloadException(
                        "torrent engine closed before " + t.metainfo.digest() + " finished"));
              }
            }
            session.stop();
            session = null;
            return null;
          });
    }
    loop.shutdownNow();
    verifier.shutdownNow();
  }

  private CompletableFuture<Void> requestResumeSaves() {
    resumeSavesOnClose = new CompletableFuture<>();
    boolean any = false;
    for (Transfer t : transfers.values()) {
      if (t.handle != null
          && (t.state == TransferStats.State.DOWNLOADING
              || t.state == TransferStats.State.CHECKING)) {
        t.resumeSaveOnClose = true;
        any = true;
        // Paused first, so that nothing is written to the partial file after the resume data:
        // resume data older than the file is not trusted on the next start (see readResumeData).
        t.handle.pause();
        t.handle.saveResumeData(TorrentHandle.FLUSH_DISK_CACHE);
      }
    }
    if (!any) {
      resumeSavesOnClose.complete(null);
    }
    return resumeSavesOnClose;
  }

  // ---- plumbing ----

  private void requireStarted() {
    if (closed) {
      throw new IllegalStateException("torrent engine is closed");
    }
    if (listenPort == 0) {
      throw new IllegalStateException("torrent engine not started");
    }
  }

  /** Runs {@code work} on the loop and waits for it. */
  private <T> T call(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, loop).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static org.libtorrent4j.swig.sha1_hash sha1(InfoHash ih) {
    return org.libtorrent4j.Sha1Hash.parseHex(ih.hex()).swig();
  }

  private static void writeAtomically(Path target, byte[] data) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, data);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
