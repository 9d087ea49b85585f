package org.filigrane.batch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.filigrane.dicom.DicomInputException;
import org.filigrane.dicom.DicomObject;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.DicomSeries;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.engine.CapacityExceededException;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.Volume;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import org.filigrane.ledger.IssueRecord;
import org.filigrane.ledger.Ledger;

/**
 * One batch run over an archive (or one shard of it): index, then every series of the shard through a pool of
 * workers sharing one {@link Watermarker} (one backend, chosen and warmed once), journaled so that a run killed at
 * any moment is finished by running the same command again.
 *
 * <p>A series' outputs are written into a staging folder under the state folder (same file system as the outputs)
 * by the adapter's journaled write ({@link DicomWatermarking#watermarkInMemory}: files built and checked a few at a
 * time, written, then synced together before the write's commit point), its ledger record is built from them and
 * saved beside them, the series is journaled STAGED, the record appended to the {@link Ledger} (idempotent by
 * issuer and new Series Instance UID), the files renamed into place and the series journaled DONE. A resumed run
 * rolls STAGED series forward (the append again, which finds the record and writes nothing; the remaining renames)
 * and throws away the staging of series that never reached STAGED (their UIDs never left the staging folder), so no
 * output of a series is visible before all of it is complete, none is written twice and the ledger holds one
 * record per series.
 */
public final class BatchRun {
    public enum Operation { EMBED, VERIFY, RESTORE }

    /**
     * @param operation   what to do to each series
     * @param root        archive root; outputs mirror the tree under it
     * @param manifest    a file listing one path a line (relative to root), or null to walk root
     * @param output      output root (embed, restore); null for verify
     * @param state       folder for index, journal, reports and staging (same file system as output)
     * @param shard       this task's part of the series
     * @param workers     series in flight at once
     * @param spec        embed: layers, profile, message (its recipient is replaced per series)
     * @param recipient   default recipient (embed), or null
     * @param recipients  series or study UID to recipient (embed), may be empty
     * @param allowGaps   go on with series whose slice positions leave a gap
     * @param retryFailed take up series an earlier run recorded as failed
     * @param force       replace existing output files that no earlier run of this journal wrote
     * @param selfCheck   embed: the engine's check of each watermarked volume before it is written (FULL, the
     *                    default: verification with restoration, when the heap holds it; QUICK: layer T's screen);
     *                    every output file is decoded and checked either way
     */
    public record Options(Operation operation, Path root, Path manifest, Path output, Path state, Shard shard,
            int workers, WatermarkSpec spec, String recipient, Map<String, String> recipients, boolean allowGaps,
            boolean retryFailed, boolean force, DicomWatermarking.VolumeCheck selfCheck) {
        public Options {
            recipients = Map.copyOf(recipients);
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1");
            }
            if (selfCheck == null || selfCheck == DicomWatermarking.VolumeCheck.NONE) {
                throw new IllegalArgumentException("self-check must be FULL or QUICK");
            }
        }

        /** With the full self-check. */
        public Options(Operation operation, Path root, Path manifest, Path output, Path state, Shard shard,
                int workers, WatermarkSpec spec, String recipient, Map<String, String> recipients, boolean allowGaps,
                boolean retryFailed, boolean force) {
            this(operation, root, manifest, output, state, shard, workers, spec, recipient, recipients, allowGaps,
                    retryFailed, force, DicomWatermarking.VolumeCheck.FULL);
        }
    }

    /** What happened to one series (one JSON Lines record). Times in seconds. */
    public record SeriesReport(String seriesUid, String studyUid, String outcome, boolean ok, int files, int slices,
            int rows, int columns, long fileBytes, long pixels, double seconds, double readSeconds,
            double engineSeconds, double writeSeconds, String newSeriesUid, String detail) {
    }

    /** Builds the ledger record of an embedded series (from its staged outputs); see the cli's LedgerRecording. */
    @FunctionalInterface
    public interface Recorder {
        IssueRecord record(DicomSeries original, WatermarkSpec spec, DicomWatermarking.Embedded embedded)
                throws IOException;
    }

    /** Told of progress (from worker threads; keep it cheap). */
    public interface Listener {
        default void indexing(long filesSeen) {
        }

        default void planned(long series, long files, long skippedFiles) {
        }

        default void series(SeriesReport report, long done, long total) {
        }
    }

    /** The run's totals. */
    public record Summary(Map<String, Long> outcomes, long series, long alreadyDone, long failed, double seconds,
            long fileBytes, long pixels, double readSeconds, double engineSeconds, double writeSeconds,
            Path report, Path journal) {
        public double seriesPerSecond() {
            return seconds > 0 ? series / seconds : 0;
        }

        public double megabytesPerSecond() {
            return seconds > 0 ? fileBytes / 1e6 / seconds : 0;
        }

        public double megapixelsPerSecond() {
            return seconds > 0 ? pixels / 1e6 / seconds : 0;
        }
    }

    /** Test hook: halts the JVM (as kill -9 would) at a named step; see BatchResumeTest. */
    private static final String HALT_AT = System.getProperty("filigrane.batch.haltAt", "");
    private static final AtomicLong HALT_COUNT = new AtomicLong();

    private final Options o;
    private final Watermarker watermarker;
    private final IssuerKey key;
    private final Ledger ledger;
    private final Recorder recorder;
    private final Listener listener;
    private Journal journal;
    private BufferedWriter report;

    private BatchRun(Options o, Watermarker watermarker, IssuerKey key, Ledger ledger, Recorder recorder,
            Listener listener) {
        this.o = o;
        this.watermarker = watermarker;
        this.key = key;
        this.ledger = ledger;
        this.recorder = recorder;
        this.listener = listener;
    }

    /**
     * Runs the batch. {@code watermarker} is shared by the workers; {@code key} is its issuer (embed; null for
     * verify and restore); {@code ledger}, when not null, receives the record {@code recorder} builds for each
     * embedded series, signed by {@code key}.
     */
    public static Summary run(Options o, Watermarker watermarker, IssuerKey key, Ledger ledger, Recorder recorder,
            Listener listener) throws IOException, InterruptedException {
        if (ledger != null && (key == null || recorder == null)) {
            throw new IllegalArgumentException("a ledger needs the issuer key and a recorder");
        }
        return new BatchRun(o, watermarker, key, ledger, recorder, listener).run();
    }

    public static Path journalFile(Path state, Shard shard) {
        return state.resolve("journal-" + shard.tag() + ".log");
    }

    public static Path reportFile(Path state, Shard shard) {
        return state.resolve("report-" + shard.tag() + ".jsonl");
    }

    private Summary run() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Files.createDirectories(o.state());
        ArchiveIndex index = ArchiveIndex.build(o.root(), o.manifest(), o.shard(),
                o.state().resolve("index-" + o.shard().tag() + ".tsv"), listener::indexing);
        listener.planned(index.seriesCount(), index.fileCount(), index.skippedCount());
        Path journalPath = journalFile(o.state(), o.shard());
        Path reportPath = reportFile(o.state(), o.shard());
        Map<String, Long> outcomes = new TreeMap<>();
        long[] totals = new long[4];   // series, alreadyDone, fileBytes, pixels
        double[] times = new double[3];
        AtomicLong done = new AtomicLong();
        long failedBefore = 0;
        ThreadLocal<SlicePool> pools = ThreadLocal.withInitial(SlicePool::new);
        try (Journal j = Journal.open(journalPath);
                BufferedWriter rep = Files.newBufferedWriter(reportPath, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                ArchiveIndex.Cursor cursor = index.series()) {
            this.journal = j;
            this.report = rep;
            // A run killed between DONE and removing its staging folder leaves an empty one behind.
            for (String uid : j.finished()) {
                deleteTree(staging(uid));
            }
            ExecutorService pool = Executors.newFixedThreadPool(o.workers(), r -> {
                Thread t = new Thread(r, "filigrane-batch-worker");
                t.setDaemon(true);
                return t;
            });
            Semaphore inFlight = new Semaphore(o.workers());
            try {
                while (cursor.hasNext()) {
                    ArchiveIndex.SeriesFiles sf = cursor.next();
                    Journal.Entry e = j.get(sf.seriesUid());
                    if (e != null && (e.state() == Journal.State.DONE
                            || e.state() == Journal.State.FAILED && !o.retryFailed())) {
                        synchronized (totals) {
                            totals[1]++;
                            if (e.state() == Journal.State.FAILED) {
                                outcomes.merge("failed", 1L, Long::sum);
                            }
                        }
                        if (e.state() == Journal.State.FAILED) {
                            failedBefore++;
                        }
                        listener.series(null, done.incrementAndGet(), index.seriesCount());
                        continue;
                    }
                    inFlight.acquire();
                    pool.execute(() -> {
                        try {
                            SeriesReport r = process(sf, e, pools.get());
                            synchronized (totals) {
                                outcomes.merge(r.outcome(), 1L, Long::sum);
                                totals[0]++;
                                totals[2] += r.fileBytes();
                                totals[3] += r.pixels();
                                times[0] += r.readSeconds();
                                times[1] += r.engineSeconds();
                                times[2] += r.writeSeconds();
                                writeReport(r);
                            }
                            listener.series(r, done.incrementAndGet(), index.seriesCount());
                        } catch (IOException | Error ex) {
                            // The journal or the state folder failed, or the JVM is out of memory: stop here, as a
                            // crash would; the journal lets the same command take up the rest.
                            System.err.println("filigrane batch: stopped: " + ex);
                            System.err.flush();
                            Runtime.getRuntime().halt(1);
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            } finally {
                pool.shutdown();
                pool.awaitTermination(365, TimeUnit.DAYS);
            }
            rep.flush();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long failed = 0;
        for (Map.Entry<String, Long> e : outcomes.entrySet()) {
            if (!ok(e.getKey())) {
                failed += e.getValue();
            }
        }
        return new Summary(outcomes, totals[0], totals[1] - failedBefore, failed, seconds, totals[2], totals[3],
                times[0], times[1], times[2], reportPath, journalPath);
    }

    /** Outcomes that count as success: the operation did what was asked and, for verify, the series is authentic. */
    static boolean ok(String outcome) {
        return outcome.equals("embedded") || outcome.equals("restored") || outcome.equals("authentic");
    }

    private void writeReport(SeriesReport r) throws IOException {
        report.write(Jsonl.of(r, Instant.now()));
        report.write('\n');
        report.flush();
    }

    private Path staging(String uid) {
        return o.state().resolve("staging").resolve(sha256Hex(uid.getBytes(StandardCharsets.UTF_8)).substring(0, 24));
    }

    private SeriesReport process(ArchiveIndex.SeriesFiles sf, Journal.Entry previous, SlicePool pool)
            throws IOException {
        long t0 = System.nanoTime();
        Path stage = staging(sf.seriesUid());
        if (previous != null && previous.state() == Journal.State.STAGED) {
            // Killed after the outputs were complete: finish what was started, with the same UIDs.
            int files = commit(sf, stage, previous.detail());
            return new SeriesReport(sf.seriesUid(), sf.studyUid(), outcomeOf(), true, files, 0, 0, 0, 0, 0,
                    secondsSince(t0), 0, 0, secondsSince(t0), previous.detail(), "resumed: outputs were staged");
        }
        deleteTree(stage);
        DicomSeries series = null;
        double read = 0;
        double engine = 0;
        long fileBytes = 0;
        try {
            List<Path> inputs = new ArrayList<>();
            for (String rel : sf.paths()) {
                Path p = o.root().resolve(rel);
                inputs.add(p);
                fileBytes += Files.size(p);
            }
            if (o.operation() != Operation.VERIFY && !o.force()) {
                for (String rel : sf.paths()) {
                    if (Files.exists(o.output().resolve(rel))) {
                        throw new DicomInputException(DicomInputException.Kind.OUTPUT_EXISTS, o.output().resolve(rel),
                                "exists already and no earlier run of this batch wrote it; pass --force to replace");
                    }
                }
            }
            series = DicomReader.readLean(sf.seriesUid().startsWith("(no UID)") ? "" : sf.seriesUid(), inputs,
                    o.allowGaps(), pool);
            long t1 = System.nanoTime();
            read = (t1 - t0) / 1e9;
            List<Path> staged = new ArrayList<>();
            for (DicomObject obj : series.objects()) {
                staged.add(stage.resolve(o.root().relativize(obj.path())));
            }
            Volume v = series.volume();
            String outcome;
            String newUid = null;
            String detail = "";
            double write;
            switch (o.operation()) {
                case EMBED -> {
                    String recipient = recipientOf(sf);
                    WatermarkSpec spec = new WatermarkSpec(recipient, o.spec().message(), o.spec().layers(),
                            o.spec().profile(), o.spec().robustId());
                    DicomWatermarking.VolumeCheck check = o.selfCheck() == DicomWatermarking.VolumeCheck.FULL
                            && !verifyVolume(v) ? DicomWatermarking.VolumeCheck.NONE : o.selfCheck();
                    DicomWatermarking.StreamedEmbed w = DicomWatermarking.watermarkInMemory(series, watermarker,
                            key, spec, check);
                    long t2 = System.nanoTime();
                    engine = (t2 - t1) / 1e9;
                    DicomWatermarking.Embedded em = w.write(stage, staged, i -> { });
                    newUid = em.seriesUid();
                    halt("written");
                    if (ledger != null) {
                        writeIssue(stage, recorder.record(series, spec, em));
                    }
                    journal.append(Journal.State.STAGED, sf.seriesUid(), newUid);
                    halt("staged");
                    commit(sf, stage, newUid);
                    write = (System.nanoTime() - t2) / 1e9;
                    outcome = "embedded";
                    detail = w.result().payloadBits() + " of " + w.result().capacityBits() + " bits of layer R"
                            + switch (check) {
                                case FULL -> "";
                                case QUICK -> "; quick self-check (layer T screen, no restoration)";
                                case NONE -> "; engine self-check of the volume skipped (heap below 3 volumes)";
                            };
                }
                case RESTORE -> {
                    DicomWatermarking.restoreStreamed(series, watermarker, stage, staged, i -> { });
                    long t2 = System.nanoTime();
                    engine = (t2 - t1) / 1e9;
                    halt("written");
                    journal.append(Journal.State.STAGED, sf.seriesUid(), "-");
                    halt("staged");
                    commit(sf, stage, "-");
                    write = (System.nanoTime() - t2) / 1e9;
                    outcome = "restored";
                }
                default -> {
                    DicomWatermarking.Verification ver = DicomWatermarking.verify(series, watermarker);
                    engine = (System.nanoTime() - t1) / 1e9;
                    write = 0;
                    outcome = ver.status().name().toLowerCase(java.util.Locale.ROOT);
                    detail = ver.pixels().detail() + (ver.attributes().isEmpty() ? ""
                            : "; " + ver.attributes().size() + " file(s) with changed attributes");
                    journal.append(Journal.State.DONE, sf.seriesUid(), outcome);
                }
            }
            SeriesReport r = new SeriesReport(sf.seriesUid(), sf.studyUid(), outcome, ok(outcome), inputs.size(),
                    v.slices(), v.rows(), v.columns(), fileBytes, v.pixelCount(), secondsSince(t0), read, engine,
                    write, newUid, detail);
            pool.release(v);
            return r;
        } catch (DicomInputException | org.filigrane.engine.WatermarkException | IOException | RuntimeException e) {
            // Anything a series' own data can cause (PixelMed's runtime exceptions on odd files included) fails
            // that series only; errors (out of memory) end the run below.
            if (e instanceof IOException && !Files.isDirectory(o.state())) {
                throw (IOException) e;
            }
            pool.clear();
            deleteTree(stage);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            journal.append(Journal.State.FAILED, sf.seriesUid(), reason);
            return new SeriesReport(sf.seriesUid(), sf.studyUid(), "failed", false, sf.paths().size(),
                    series == null ? 0 : series.volume().slices(), 0, 0, fileBytes, 0, secondsSince(t0), read,
                    engine, 0, null, kind(e) + ": " + reason);
        }
    }

    private static String kind(Exception e) {
        if (e instanceof DicomInputException d) {
            return "bad input (" + d.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        if (e instanceof CapacityExceededException) {
            return "no capacity";
        }
        if (e instanceof DicomWatermarking.RestoreRefusedException) {
            return "not restored";
        }
        return e instanceof IOException ? "i/o" : "error";
    }

    private String outcomeOf() {
        return o.operation() == Operation.EMBED ? "embedded" : "restored";
    }

    private String recipientOf(ArchiveIndex.SeriesFiles sf) throws DicomInputException {
        String r = o.recipients().get(sf.seriesUid());
        if (r == null) {
            r = o.recipients().get(sf.studyUid());
        }
        if (r == null) {
            r = o.recipient();
        }
        if (r == null || r.isBlank()) {
            throw new DicomInputException(DicomInputException.Kind.NO_INPUT, null, "no recipient for series "
                    + sf.seriesUid() + " (study " + sf.studyUid() + ") in the recipients CSV, and no --recipient");
        }
        return r;
    }

    /**
     * Rolls a staged series forward: the ledger record (idempotent), then every staged file renamed into place
     * (each rename atomic; a rename done before a crash is simply not there to do again), then DONE.
     */
    private int commit(ArchiveIndex.SeriesFiles sf, Path stage, String newUid) throws IOException {
        Path issue = stage.resolve(ISSUE_FILE);
        if (o.operation() == Operation.EMBED && ledger != null && Files.exists(issue)) {
            ledger.append(readIssue(issue), key);
        }
        halt("recorded");
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(stage)) {
            try (Stream<Path> w = Files.walk(stage)) {
                w.filter(Files::isRegularFile).filter(p -> !p.equals(issue))
                        .filter(p -> !org.filigrane.dicom.Journal.isBookkeeping(p)).sorted().forEach(files::add);
            }
        }
        java.util.Set<Path> dirs = new java.util.HashSet<>();
        for (Path f : files) {
            Path target = o.output().resolve(stage.relativize(f).toString());
            Files.createDirectories(target.getParent());
            try {
                Files.move(f, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
            dirs.add(target.getParent());
            halt("moved");
        }
        for (Path d : dirs) {
            syncDirectory(d);
        }
        journal.append(Journal.State.DONE, sf.seriesUid(), outcomeOf());
        halt("done");
        deleteTree(stage);
        return files.size();
    }

    private static final String ISSUE_FILE = ".issue.properties";

    private static void writeIssue(Path stage, IssueRecord i) throws IOException {
        Properties p = new Properties();
        p.setProperty("time", i.time().toString());
        p.setProperty("issuerKeyId", i.issuerKeyId());
        p.setProperty("recipient", i.recipient());
        if (i.robustId() != null) {
            p.setProperty("robustId", Long.toString(i.robustId()));
        }
        p.setProperty("originalSeriesUid", i.originalSeriesUid());
        p.setProperty("newSeriesUid", i.newSeriesUid());
        p.setProperty("originalSopUids", String.join(",", i.originalSopUids()));
        p.setProperty("newSopUids", String.join(",", i.newSopUids()));
        p.setProperty("originalPixelSha256", i.originalPixelSha256Hex());
        p.setProperty("payloadSha256", i.payloadSha256Hex());
        Path f = stage.resolve(ISSUE_FILE);
        Files.createDirectories(stage);
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(f.toFile())) {
            p.store(out, null);
            out.getFD().sync();
        }
    }

    private static IssueRecord readIssue(Path f) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(f)) {
            p.load(in);
        }
        String robust = p.getProperty("robustId");
        return new IssueRecord(Instant.parse(p.getProperty("time")), p.getProperty("issuerKeyId"),
                p.getProperty("recipient"), robust == null ? null : Long.valueOf(robust),
                p.getProperty("originalSeriesUid"), p.getProperty("newSeriesUid"),
                uids(p.getProperty("originalSopUids")), uids(p.getProperty("newSopUids")),
                p.getProperty("originalPixelSha256"), p.getProperty("payloadSha256"));
    }

    private static List<String> uids(String joined) {
        return joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

    /**
     * Whether the engine's verification of a watermarked volume fits beside it. It restores a copy: one volume more
     * than the two (input and output) that the memory bound allows per series. Decided from the heap limit, not
     * from what is free at the moment, so that the same run checks the same series: it runs when the heap can hold
     * three such volumes per worker plus 256 MiB each.
     */
    private boolean verifyVolume(Volume v) {
        long volumeBytes = 2L * v.pixelCount();
        return Runtime.getRuntime().maxMemory() >= o.workers() * (3 * volumeBytes + (256L << 20));
    }

    private static void syncDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be synced; the renames are still atomic.
        }
    }

    private static void halt(String step) {
        if (!HALT_AT.isEmpty()) {
            String[] p = HALT_AT.split(":");
            if (p[0].equals(step) && HALT_COUNT.incrementAndGet() >= (p.length > 1 ? Long.parseLong(p[1]) : 1)) {
                Runtime.getRuntime().halt(137);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> w = Files.walk(p)) {
            for (Path x : w.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
