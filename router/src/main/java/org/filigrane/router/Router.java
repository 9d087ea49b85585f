package org.filigrane.router;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomObject;

/**
 * {@code filigrane route}: a DICOM node that receives series, spools every instance durably before acknowledging
 * it, processes a series once it is complete (its associations released and a quiet time passed) on the route its
 * sender's AE titles select, forwards the result with C-STORE and quarantines, with a report, what it must not or
 * cannot forward. See the README, "Put Filigrane between your PACS and a partner".
 *
 * <p>Spool layout: {@code incoming/} (data sets being received, never acknowledged), {@code series/ID/} (one
 * {@link Batch} per series and route), {@code quarantine/ID/} (with {@code report.json}), {@code status.json}.
 */
public final class Router implements AutoCloseable {
    private final RouterConfig config;
    private final Log log;
    private final Path incoming;
    private final Path seriesDir;
    private final Path quarantineDir;
    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    /** The batch still receiving for "route\tseriesUid". */
    private final Map<String, Batch> receiving = new HashMap<>();
    /** Batches each live association has sent to. */
    private final Map<Long, Set<Batch>> byAssociation = new HashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final SeriesProcessor processor;
    private final Forwarder forwarder = new Forwarder();
    private final IssueRecorder issues;
    private final ExecutorService workers;
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> daemon(r, "filigrane-sender"));
    private final ScheduledExecutorService ticker;
    private final DicomReceiver receiver;
    private final HttpServer http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private volatile Map<String, Object> lastError;
    private long lastStatus;

    private Router(RouterConfig config, Log log, IssueRecorder issues) throws IOException, ConfigException {
        this.config = config;
        this.log = log;
        this.issues = issues;
        this.incoming = config.spool().resolve("incoming");
        this.seriesDir = config.spool().resolve("series");
        this.quarantineDir = config.spool().resolve("quarantine");
        this.processor = new SeriesProcessor(config.backend());
        for (Path d : List.of(incoming, seriesDir, quarantineDir)) {
            Files.createDirectories(d);
        }
        recover();
        this.workers = Executors.newFixedThreadPool(config.workers(), r -> daemon(r, "filigrane-worker"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "filigrane-scheduler"));
        try {
            this.receiver = new DicomReceiver(config, incoming, new Sink(), log);
        } catch (IOException e) {
            throw new ConfigException(ConfigException.BAD_RESOURCE, "cannot listen on port " + config.port() + ": "
                    + e.getMessage());
        }
        HttpServer server = null;
        if (config.httpPort() > 0) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        config.httpPort()), 0);
            } catch (IOException e) {
                receiver.close();
                throw new ConfigException(ConfigException.BAD_RESOURCE, "cannot serve the status on 127.0.0.1:"
                        + config.httpPort() + ": " + e.getMessage());
            }
            server.createContext("/status", ex -> {
                byte[] body = Json.write(status()).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.start();
        }
        this.http = server;
        ticker.scheduleWithFixedDelay(this::tick, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Checks the spool, starts listening and returns; {@link #close} stops. */
    public static Router start(RouterConfig config, Log log) throws ConfigException {
        return start(config, log, null);
    }

    /** As {@link #start(RouterConfig, Log)} with the given ledger hook (null: the ledger the configuration names). */
    public static Router start(RouterConfig config, Log log, IssueRecorder issues) throws ConfigException {
        IssueRecorder recorder = issues;
        try {
            Files.createDirectories(config.spool());
            Path probe = Files.createTempFile(config.spool(), ".probe", ".tmp");
            Files.delete(probe);
            if (recorder == null) {
                recorder = LedgerRecorder.open(config.ledger());
            }
        } catch (IOException e) {
            throw new ConfigException(ConfigException.BAD_RESOURCE, "spool " + config.spool() + " is not writable: "
                    + e.getMessage());
        }
        try {
            Router r = new Router(config, log, recorder);
            log.info("started", "aet", config.aeTitle(), "port", r.port(), "spool", config.spool().toString(),
                    "routes", config.routes().stream().map(x -> x.name() + ":" + x.mode().name().toLowerCase()
                            + "->" + x.destination()).toList(), "recovered", r.batches.size());
            return r;
        } catch (IOException e) {
            throw new ConfigException(ConfigException.BAD_RESOURCE, "cannot recover the spool " + config.spool()
                    + ": " + e.getMessage());
        }
    }

    public int port() {
        return receiver.port();
    }

    /** Blocks until {@link #close}. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        receiver.close();
        ticker.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
            senders.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (http != null) {
            http.stop(0);
        }
        writeStatus();
        for (Batch b : batches.values()) {
            b.close();
        }
        issues.close();
        log.info("stopped", "inFlight", batches.size());
        stopped.countDown();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- recovery ----

    private void recover() throws IOException {
        try (var parts = Files.list(incoming)) {
            for (Path p : parts.toList()) {
                Files.deleteIfExists(p); // never acknowledged: the sender still has it
            }
        }
        try (var dirs = Files.list(seriesDir)) {
            for (Path d : dirs.sorted().toList()) {
                if (d.getFileName().toString().startsWith(".")) {
                    Durable.deleteTree(d); // a batch whose creation did not finish: nothing was acknowledged in it
                    continue;
                }
                Batch b = Batch.recover(d);
                if (b == null || b.state == Batch.State.DONE) {
                    Durable.deleteTree(d);
                    continue;
                }
                batches.put(b.id, b);
                if (b.state == Batch.State.RECEIVING) {
                    receiving.put(b.route + "\t" + b.seriesUid, b);
                }
                log.info("series_recovered", "batch", b.id, "route", b.route, "series", b.seriesUid, "state",
                        b.state.name(), "instances", b.instances.size(), "sent", b.sent.size(), "outputs",
                        b.outputs.size());
            }
        }
    }

    // ---- receiving ----

    private final class Sink implements DicomReceiver.Sink {
        @Override
        public RouterConfig.Route route(String callingAe, String calledAe) {
            return config.routeFor(callingAe, calledAe);
        }

        @Override
        public DicomReceiver.StoreResult stored(DicomReceiver.Peer peer, Path file, String sopClass,
                String sopInstance, String transferSyntax) {
            return store(peer, file, sopInstance, transferSyntax);
        }

        @Override
        public void ended(DicomReceiver.Peer peer, boolean released) {
            associationEnded(peer, released);
        }
    }

    private DicomReceiver.StoreResult store(DicomReceiver.Peer peer, Path file, String sop, String ts) {
        DicomObject object;
        try {
            object = DicomObject.read(file);
        } catch (DicomInputException e) {
            int status = switch (e.kind()) {
                case LOSSY -> DicomReceiver.REFUSED_LOSSY;
                case COLOR -> DicomReceiver.REFUSED_COLOUR;
                case UNSUPPORTED, NO_PIXELS, INCONSISTENT -> DicomReceiver.REFUSED_UNSUPPORTED;
                default -> DicomReceiver.CANNOT_UNDERSTAND;
            };
            String reason = e.kind() + ": " + e.getMessage().replace(file.toString() + ": ", "");
            quarantineInstance(peer, file, sop, ts, reason, status);
            return new DicomReceiver.StoreResult(status, reason);
        }
        String series = Attribute.getSingleStringValueOrEmptyString(object.attributes(),
                TagFromName.SeriesInstanceUID).trim();
        String inner = Attribute.getSingleStringValueOrEmptyString(object.attributes(), TagFromName.SOPInstanceUID)
                .trim();
        if (series.isEmpty() || !inner.equals(sop)) {
            String reason = series.isEmpty() ? "no Series Instance UID" : "the data set's SOP Instance UID " + inner
                    + " differs from the C-STORE request's " + sop;
            quarantineInstance(peer, file, sop, ts, reason, DicomReceiver.CANNOT_UNDERSTAND);
            return new DicomReceiver.StoreResult(DicomReceiver.CANNOT_UNDERSTAND, reason);
        }
        try {
            Batch b = batchFor(peer, series);
            String name = sop.matches("[0-9.]{1,64}") ? sop + ".dcm" : UUID.randomUUID() + ".dcm";
            synchronized (b) {
                String previous = b.instances.get(sop);
                if (previous != null) {
                    name = previous;
                }
                // fsynced file, rename, fsynced directory: durable once this returns, so the ack may go out
                Durable.move(file, b.in().resolve(name), false);
                b.appendLazily("RECV", sop, name, peer.callingAe());
                b.instances.put(sop, name);
                b.lastActivity = System.currentTimeMillis();
            }
            received.incrementAndGet();
            return DicomReceiver.StoreResult.OK;
        } catch (IOException e) {
            error("spool_failed", "cannot spool " + sop + ": " + e.getMessage(), series);
            return new DicomReceiver.StoreResult(DicomReceiver.OUT_OF_RESOURCES, "cannot spool: " + e.getMessage());
        }
    }

    private synchronized Batch batchFor(DicomReceiver.Peer peer, String series) throws IOException {
        String key = peer.route().name() + "\t" + series;
        Batch b = receiving.get(key);
        if (b == null) {
            String id = Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14) + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            b = Batch.create(seriesDir.resolve(id), peer.route().name(), series);
            receiving.put(key, b);
            batches.put(b.id, b);
            log.info("series_started", "batch", b.id, "route", b.route, "series", series, "calling",
                    peer.callingAe());
        }
        if (byAssociation.computeIfAbsent(peer.id(), k -> new LinkedHashSet<>()).add(b)) {
            b.openAssociations++;
        }
        return b;
    }

    private synchronized void associationEnded(DicomReceiver.Peer peer, boolean released) {
        Set<Batch> touched = byAssociation.remove(peer.id());
        if (touched == null) {
            return;
        }
        for (Batch b : touched) {
            b.openAssociations--;
            b.lastEndReleased = released;
            b.lastActivity = System.currentTimeMillis();
            try {
                b.append("END", released ? "released" : "aborted");
            } catch (IOException e) {
                error("journal_failed", e.getMessage(), b.seriesUid);
            }
        }
    }

    private void quarantineInstance(DicomReceiver.Peer peer, Path file, String sop, String ts, String reason,
            int status) {
        try {
            Path dir = quarantineDir.resolve("rejected-" + Instant.now().toString().replaceAll("[^0-9]", "")
                    .substring(0, 14) + "-" + UUID.randomUUID().toString().substring(0, 8));
            Files.createDirectories(dir);
            Map<String, Object> m = Json.object();
            m.put("reason", reason);
            m.put("dimseStatus", String.format("0x%04X", status));
            m.put("sopInstanceUid", sop);
            m.put("transferSyntax", ts);
            m.put("calling", peer.callingAe());
            m.put("called", peer.calledAe());
            m.put("remote", peer.remote());
            m.put("route", peer.route().name());
            m.put("time", Instant.now().toString());
            Durable.write(dir.resolve("report.json"), (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8));
            Durable.move(file, dir.resolve("instance.dcm"));
            quarantined.incrementAndGet();
        } catch (IOException e) {
            error("quarantine_failed", e.getMessage(), null);
        }
        log.warn("instance_refused", "association", peer.id(), "sop", sop, "status", String.format("0x%04X", status),
                "reason", reason);
        lastError = errorEntry("instance_refused", reason, null);
    }

    // ---- scheduling ----

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            synchronized (this) {
                for (Batch b : batches.values()) {
                    if (running.contains(b.id)) {
                        continue;
                    }
                    if (b.state == Batch.State.RECEIVING && b.openAssociations == 0) {
                        if (b.lastEndReleased && now - b.lastActivity >= config.quietMillis()) {
                            receiving.remove(b.route + "\t" + b.seriesUid);
                            b.state = Batch.State.PROCESSING;
                            submit(b);
                        } else if (!b.lastEndReleased && now - b.lastActivity >= config.incompleteMillis()) {
                            receiving.remove(b.route + "\t" + b.seriesUid);
                            b.state = Batch.State.PROCESSING;
                            running.add(b.id);
                            workers.execute(() -> {
                                try {
                                    String reason = "incomplete series: the association that sent it was aborted "
                                            + "(or the router stopped) and nothing more arrived within "
                                            + config.incompleteMillis() / 1000 + " s";
                                    quarantine(b, SeriesProcessor.report(reason));
                                } finally {
                                    running.remove(b.id);
                                }
                            });
                        }
                    } else if (b.state == Batch.State.FORWARDING && now >= b.nextAttemptAt) {
                        submit(b);
                    }
                }
            }
            if (now - lastStatus >= 1000) {
                lastStatus = now;
                writeStatus();
            }
        } catch (RuntimeException e) {
            error("scheduler_failed", e.toString(), null);
        }
    }

    private void submit(Batch b) {
        running.add(b.id);
        workers.execute(() -> {
            try {
                work(b);
            } catch (RuntimeException e) {
                error("worker_failed", e.toString(), b.seriesUid);
                quarantine(b, SeriesProcessor.report("internal error: " + e));
            } finally {
                running.remove(b.id);
            }
        });
    }

    private RouterConfig.Route routeNamed(String name) {
        for (RouterConfig.Route r : config.routes()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    private void work(Batch b) {
        RouterConfig.Route route = routeNamed(b.route);
        if (route == null) {
            quarantine(b, SeriesProcessor.report("route '" + b.route + "' is no longer configured"));
            return;
        }
        if (!b.processed) {
            long t0 = System.nanoTime();
            try {
                SeriesProcessor.Processed p = processor.process(b, route);
                b.markProcessed(p.outputs(), p.issued());
                log.info("series_processed", "batch", b.id, "route", b.route, "mode", route.mode().name()
                        .toLowerCase(), "series", b.seriesUid, "instances", b.instances.size(), "outputs",
                        p.outputs().size(), "newSeries", p.issued() == null ? null : p.issued().newSeriesUid(),
                        "ms", (System.nanoTime() - t0) / 1_000_000);
            } catch (SeriesProcessor.Rejected e) {
                quarantine(b, e.report);
                return;
            } catch (IOException e) {
                quarantine(b, SeriesProcessor.report("processing failed: " + e.getMessage()));
                return;
            }
            b.state = Batch.State.FORWARDING;
        }
        if (!b.issued) {
            // Recorded before anything is forwarded: no watermarked copy leaves without its ledger entry. A crash
            // between the two records it again at the restart, which the ledger ignores (same new series UID).
            try {
                IssueRecorder.Issued record = b.issueRecord();
                if (record != null) {
                    issues.record(record, route.issuer());
                }
                b.append("ISSUED");
                b.issued = true;
            } catch (IOException | RuntimeException e) {
                b.lastError = "cannot record the issued watermark: " + e.getMessage();
                b.nextAttemptAt = System.currentTimeMillis() + config.retryFirstMillis();
                error("ledger_failed", b.lastError, b.seriesUid);
                return;
            }
        }
        forward(b, route);
    }

    private void forward(Batch b, RouterConfig.Route route) {
        boolean inDoubt = b.attempts > 0;
        long t0 = System.nanoTime();
        try {
            b.attempts++;
            b.append("ATTEMPT", Integer.toString(b.attempts));
            List<Batch.Output> pending = pending(b);
            if (inDoubt && route.queryInDoubt() && !pending.isEmpty()) {
                Path first = b.dir.resolve(pending.get(0).file());
                Set<String> held = forwarder.held(route, Forwarder.headerValue(first, TagFromName.StudyInstanceUID),
                        Forwarder.headerValue(first, TagFromName.SeriesInstanceUID));
                if (held != null) {
                    for (Batch.Output o : pending) {
                        if (held.contains(o.sopUid())) {
                            b.append("SENT", o.sopUid(), "held");
                            synchronized (b) {
                                b.sent.add(o.sopUid());
                            }
                        }
                    }
                    log.info("in_doubt_resolved", "batch", b.id, "series", b.seriesUid, "alreadyHeld",
                            pending.size() - pending(b).size(), "toSend", pending(b).size());
                } else {
                    log.warn("in_doubt_unresolved", "batch", b.id, "series", b.seriesUid, "reason",
                            "the destination did not answer a C-FIND; resending (it keeps one copy per SOP "
                            + "Instance UID)");
                }
                pending = pending(b);
            }
            String[] journalError = {null};
            Forwarder.Result r = sendParallel(b, route, pending, journalError);
            b.sync();
            if (pending(b).isEmpty() && journalError[0] == null) {
                b.append("DONE");
                b.state = Batch.State.DONE;
                b.close();
                batches.remove(b.id);
                Durable.deleteTree(b.dir);
                log.info("series_forwarded", "batch", b.id, "route", b.route, "series", b.seriesUid, "destination",
                        route.destination(), "instances", b.outputs.size(), "attempts", b.attempts, "ms",
                        (System.nanoTime() - t0) / 1_000_000);
                return;
            }
            String err = journalError[0] != null ? "journal: " + journalError[0] : r.error();
            b.lastError = err;
            if (b.attempts >= config.retryAttempts()) {
                Map<String, Object> report = SeriesProcessor.report("destination " + route.destination()
                        + " did not take the series after " + b.attempts + " attempts: " + err);
                report.put("unconfirmed", pending(b).stream().map(Batch.Output::sopUid).toList());
                quarantine(b, report);
                return;
            }
            long delay = Math.min(config.retryMaxMillis(), config.retryFirstMillis() << Math.min(20,
                    b.attempts - 1));
            b.nextAttemptAt = System.currentTimeMillis() + delay;
            error("forward_failed", err, b.seriesUid);
            log.warn("forward_retry", "batch", b.id, "series", b.seriesUid, "attempt", b.attempts, "of",
                    config.retryAttempts(), "retryInMs", delay, "unconfirmed", pending(b).size(), "error", err);
        } catch (IOException e) {
            b.lastError = e.getMessage();
            b.nextAttemptAt = System.currentTimeMillis() + config.retryFirstMillis();
            error("journal_failed", e.getMessage(), b.seriesUid);
        }
    }

    /** Sends over up to {@code route.associations()} associations at once (each one waits for its responses). */
    private Forwarder.Result sendParallel(Batch b, RouterConfig.Route route, List<Batch.Output> pending,
            String[] journalError) {
        if (pending.isEmpty()) {
            return new Forwarder.Result(0, 0, null);
        }
        int k = Math.max(1, Math.min(route.associations(), (pending.size() + 7) / 8));
        List<List<Path>> groups = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < pending.size(); i++) {
            groups.get(i % k).add(b.dir.resolve(pending.get(i).file()));
        }
        java.util.function.Consumer<String> confirmed = sop -> {
            try {
                b.appendLazily("SENT", sop);
                synchronized (b) {
                    b.sent.add(sop);
                }
                forwarded.incrementAndGet();
            } catch (IOException e) {
                journalError[0] = e.getMessage();
            }
        };
        List<java.util.concurrent.Future<Forwarder.Result>> futures = new ArrayList<>();
        for (List<Path> g : groups) {
            futures.add(senders.submit(() -> forwarder.send(route, g, confirmed)));
        }
        int ok = 0;
        int failed = 0;
        String error = null;
        for (var f : futures) {
            try {
                Forwarder.Result r = f.get();
                ok += r.confirmed();
                failed += r.failed();
                error = error == null ? r.error() : error;
            } catch (java.util.concurrent.ExecutionException e) {
                error = String.valueOf(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            }
        }
        return new Forwarder.Result(ok, failed, error);
    }

    private static List<Batch.Output> pending(Batch b) {
        synchronized (b) {
            return b.outputs.stream().filter(o -> !b.sent.contains(o.sopUid())).toList();
        }
    }

    /** Moves the whole batch (instances, outputs, journal) to the quarantine with {@code report.json}. */
    private void quarantine(Batch b, Map<String, Object> report) {
        report.put("batch", b.id);
        report.put("route", b.route);
        report.put("seriesInstanceUid", b.seriesUid);
        report.put("instances", b.instances.size());
        report.put("attempts", b.attempts);
        report.put("time", Instant.now().toString());
        try {
            Durable.write(b.dir.resolve("report.json"), (Json.write(report) + "\n").getBytes(StandardCharsets.UTF_8));
            b.close();
            Durable.move(b.dir, quarantineDir.resolve(b.id));
        } catch (IOException e) {
            error("quarantine_failed", e.getMessage(), b.seriesUid);
        }
        synchronized (this) {
            b.state = Batch.State.QUARANTINED;
            batches.remove(b.id);
            receiving.remove(b.route + "\t" + b.seriesUid, b);
        }
        quarantined.incrementAndGet();
        log.warn("series_quarantined", "batch", b.id, "route", b.route, "series", b.seriesUid, "reason",
                report.get("reason"));
        lastError = errorEntry("series_quarantined", String.valueOf(report.get("reason")), b.seriesUid);
    }

    private void error(String event, String message, String series) {
        lastError = errorEntry(event, message, series);
        log.error(event, "series", series, "error", message);
    }

    private static Map<String, Object> errorEntry(String event, String message, String series) {
        Map<String, Object> m = Json.object();
        m.put("time", Instant.now().toString());
        m.put("event", event);
        m.put("series", series);
        m.put("message", message);
        return m;
    }

    // ---- status ----

    /** What {@code filigrane route status} and the HTTP endpoint show. */
    Map<String, Object> status() {
        Map<String, Object> m = Json.object();
        m.put("time", Instant.now().toString());
        m.put("pid", ProcessHandle.current().pid());
        m.put("aeTitle", config.aeTitle());
        m.put("port", receiver == null ? config.port() : receiver.port());
        List<Object> series = new ArrayList<>();
        long bytes = 0;
        for (Batch b : batches.values()) {
            Map<String, Object> s = Json.object();
            s.put("batch", b.id);
            s.put("route", b.route);
            s.put("seriesInstanceUid", b.seriesUid);
            s.put("state", b.state.name());
            synchronized (b) {
                s.put("instances", b.instances.size());
                s.put("outputs", b.outputs.size());
                s.put("confirmed", b.sent.size());
            }
            s.put("attempts", b.attempts);
            s.put("lastError", b.lastError);
            series.add(s);
            bytes += b.bytes();
        }
        m.put("seriesInFlight", series.size());
        m.put("spoolBytes", bytes);
        int q = 0;
        try (var l = Files.list(quarantineDir)) {
            q = (int) l.count();
        } catch (IOException e) {
            q = -1;
        }
        m.put("quarantineCount", q);
        m.put("received", received.get());
        m.put("forwarded", forwarded.get());
        m.put("quarantinedSinceStart", quarantined.get());
        m.put("lastError", lastError);
        m.put("series", series);
        return m;
    }

    private void writeStatus() {
        try {
            Durable.write(config.spool().resolve("status.json"), (Json.write(status()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            log.error("status_failed", "error", String.valueOf(e.getMessage()));
        }
    }
}
