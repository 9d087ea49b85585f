package org.filigrane.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.filigrane.batch.BatchRun;
import org.filigrane.batch.Shard;
import org.filigrane.batch.SlurmScript;
import org.filigrane.dicom.DicomWatermarking;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.engine.WatermarkSpec;
import org.filigrane.engine.Watermarker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code filigrane batch}: a thin front to {@link BatchRun} (the work is in the batch module). */
@Command(name = "batch", description = "Embed, verify or restore every series of an archive in one JVM: journaled "
        + "and resumable (run the same command again after a crash), --shard i/N for job arrays, --slurm to write "
        + "a SLURM job-array script.")
final class BatchCommand extends CommandBase {
    @Parameters(index = "0", paramLabel = "OPERATION", description = "embed, verify or restore")
    BatchRun.Operation operation;

    @Parameters(index = "1", paramLabel = "ARCHIVE", description = "archive root (walked recursively; outputs "
            + "mirror the tree under it)")
    Path root;

    @Option(names = "--manifest", paramLabel = "FILE", description = "read the files from FILE (one path a line, "
            + "relative to ARCHIVE) instead of walking ARCHIVE")
    Path manifest;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output root (embed, restore)")
    Path output;

    @Option(names = "--state", paramLabel = "DIR", description = "index, journal, reports and staging "
            + "(default: OUTPUT/.filigrane-batch, or ./.filigrane-batch for verify); same file system as OUTPUT")
    Path state;

    /** Embed takes the private key (--key-file/FILIGRANE_KEY); verify and restore the trusted public keys. */
    @Mixin
    TrustOptions trust = new TrustOptions();

    @Mixin
    LedgerOptions ledgerOptions = new LedgerOptions();

    @Option(names = "--recipient", description = "recipient of every series (embed) not in --recipients")
    String recipient;

    @Option(names = "--recipients", paramLabel = "CSV", description = "CSV of 'series or study UID,recipient' lines")
    Path recipients;

    @Mixin
    WatermarkOptions watermark = new WatermarkOptions();

    @Option(names = "--workers", defaultValue = "1", description = "series in flight at once (default: "
            + "${DEFAULT-VALUE}; the backend itself uses every core)")
    int workers;

    @Option(names = "--shard", paramLabel = "i/N", description = "process only shard i of N (by a hash of the "
            + "Series Instance UID)")
    String shard;

    @Option(names = "--no-ledger", description = "record nothing in a ledger")
    boolean noLedger;

    @Option(names = "--allow-gaps", description = "go on with series whose slice positions leave a gap")
    boolean allowGaps;

    @Option(names = "--retry-failed", description = "take up series an earlier run recorded as failed")
    boolean retryFailed;

    @Option(names = "--force", description = "replace output files no earlier run of this batch wrote")
    boolean force;

    @Option(names = "--self-check", paramLabel = "full|quick", defaultValue = "full", converter = SelfCheckOption.class,
            description = "embed: check of each watermarked volume before it is written. full (default): the "
            + "engine verifies it and its restoration hashes to the input's signed hash; quick: layer T's integrity "
            + "screen only (no restoration). Every output file is decoded and checked either way")
    DicomWatermarking.VolumeCheck selfCheck;

    /** full|quick, case-insensitive; NONE is not the user's to choose. */
    static final class SelfCheckOption implements picocli.CommandLine.ITypeConverter<DicomWatermarking.VolumeCheck> {
        @Override
        public DicomWatermarking.VolumeCheck convert(String v) {
            return switch (v.strip().toLowerCase(Locale.ROOT)) {
                case "full" -> DicomWatermarking.VolumeCheck.FULL;
                case "quick" -> DicomWatermarking.VolumeCheck.QUICK;
                default -> throw new picocli.CommandLine.TypeConversionException("'" + v + "': full or quick");
            };
        }
    }

    @Option(names = "--slurm", paramLabel = "SCRIPT", description = "write a SLURM job-array script (one shard per "
            + "task) instead of running")
    Path slurm;

    @Option(names = "--slurm-tasks", defaultValue = "4",
            description = "array tasks = shards (default: ${DEFAULT-VALUE})")
    int slurmTasks;

    @Option(names = "--slurm-cpus", defaultValue = "2", description = "CPUs per task (default: ${DEFAULT-VALUE})")
    int slurmCpus;

    @Option(names = "--slurm-mem", paramLabel = "SIZE", description = "memory per task, e.g. 4G")
    String slurmMem;

    @Option(names = "--slurm-time", paramLabel = "TIME", description = "time limit per task, e.g. 02:00:00")
    String slurmTime;

    @Option(names = "--slurm-partition", paramLabel = "NAME", description = "partition")
    String slurmPartition;

    @Option(names = "--slurm-logs", paramLabel = "DIR", description = "task output folder (default: STATE/slurm)")
    Path slurmLogs;

    @Override
    Integer execute() throws Exception {
        if (!Files.isDirectory(root)) {
            throw new Main.UsageException("archive root " + root + " is not a directory");
        }
        if (operation != BatchRun.Operation.VERIFY && output == null) {
            throw new Main.UsageException("say where to write: --output DIR");
        }
        Path st = state != null ? state : output != null ? output.resolve(".filigrane-batch")
                : Path.of(".filigrane-batch");
        if (slurm != null) {
            return writeSlurm(st);
        }
        Shard sh;
        try {
            sh = shard == null ? Shard.ALL : Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        boolean embed = operation == BatchRun.Operation.EMBED;
        IssuerKey key = embed ? trust.keys.key(err()) : null;
        TrustedIssuers trusted = embed ? null : trust.trusted(err());
        Map<String, String> map = recipients == null ? Map.of() : readRecipients(recipients);
        if (operation == BatchRun.Operation.EMBED && recipient == null && map.isEmpty()) {
            throw new Main.UsageException("embed needs --recipient NAME or --recipients CSV");
        }
        WatermarkSpec spec = watermark.spec("-");
        BatchRun.Options opts = new BatchRun.Options(operation, root.toAbsolutePath().normalize(),
                manifest, output == null ? null : output.toAbsolutePath().normalize(), st.toAbsolutePath().normalize(),
                sh, workers, spec, recipient, map, allowGaps, retryFailed, force, selfCheck);
        // One backend for the whole run, chosen and warmed once: a batch is never a one-shot command.
        Watermarker wm = embed ? open(key, trust.keys.backend) : openVerifier(trusted, trust.keys.backend);
        boolean bar = !quiet && !json && System.console() != null;
        BatchRun.Summary s;
        // Opened before any series: an unusable ledger stops the run, not the record after the first series.
        try (org.filigrane.ledger.Ledger ledger = !embed || noLedger ? null : ledgerOptions.open();
                BarListener listener = new BarListener(bar)) {
            s = BatchRun.run(opts, wm, key, ledger, (series, sp, e) -> LedgerRecording.issueRecord(key, series, sp,
                    e, java.time.Instant.now()), listener);
        }
        if (json) {
            Map<String, Object> m = Json.object();
            m.put("command", "batch");
            m.put("operation", operation.name().toLowerCase(Locale.ROOT));
            m.put("shard", sh.toString());
            m.put("backend", wm.backendName());
            m.put("workers", workers);
            m.put("outcomes", new java.util.LinkedHashMap<String, Object>(s.outcomes()));
            m.put("series", s.series());
            m.put("alreadyDone", s.alreadyDone());
            m.put("failed", s.failed());
            m.put("seconds", s.seconds());
            m.put("seriesPerSecond", s.seriesPerSecond());
            m.put("megabytesPerSecond", s.megabytesPerSecond());
            m.put("megapixelsPerSecond", s.megapixelsPerSecond());
            m.put("readSeconds", s.readSeconds());
            m.put("engineSeconds", s.engineSeconds());
            m.put("writeSeconds", s.writeSeconds());
            m.put("report", s.report().toString());
            m.put("journal", s.journal().toString());
            m.put("exitCode", s.failed() > 0 ? ExitCode.BATCH_FAILED : ExitCode.OK);
            out().println(Json.write(m));
        } else {
            out().printf(Locale.ROOT, "batch %s (shard %s, backend %s, %d worker(s)): %d series this run, %d done "
                    + "before; %s%n", operation.name().toLowerCase(Locale.ROOT), sh, wm.backendName(), workers,
                    s.series(), s.alreadyDone(), s.outcomes());
            out().printf(Locale.ROOT, "  %.1f s: %.2f series/s, %.1f MB/s, %.1f Mpx/s; time in series (all "
                    + "workers): read %.1f s, engine %.1f s, write %.1f s%n", s.seconds(), s.seriesPerSecond(),
                    s.megabytesPerSecond(), s.megapixelsPerSecond(), s.readSeconds(), s.engineSeconds(),
                    s.writeSeconds());
            out().println("  report: " + s.report() + "; journal: " + s.journal());
            if (s.failed() > 0) {
                out().println("  " + s.failed() + " series failed or did not verify: see the report (\"ok\":false)");
            }
        }
        return s.failed() > 0 ? ExitCode.BATCH_FAILED : ExitCode.OK;
    }

    private static Map<String, String> readRecipients(Path csv) throws IOException {
        Map<String, String> m = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line; (line = r.readLine()) != null; ) {
                n++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int comma = l.indexOf(',');
                if (comma <= 0 || comma == l.length() - 1) {
                    throw new Main.UsageException(csv + " line " + n + ": expected 'UID,recipient'");
                }
                m.put(l.substring(0, comma).strip(), l.substring(comma + 1).strip());
            }
        }
        return m;
    }

    /** Writes the job-array script: this very JVM command (java, options, class path), minus the SLURM options. */
    private int writeSlurm(Path st) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-XX:AOTCacheOutput")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("batch");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        boolean afterBatch = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!afterBatch) {
                afterBatch = a.equals("batch");
                continue;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (name.startsWith("--slurm") || name.equals("--shard")) {
                if (!a.contains("=")) {
                    i++;   // its value
                }
                continue;
            }
            cmd.add(a);
        }
        Path logs = slurmLogs != null ? slurmLogs : st.resolve("slurm");
        Files.createDirectories(logs);
        String text = new SlurmScript(slurmTasks, slurmCpus, slurmMem, slurmTime, slurmPartition, "filigrane-batch",
                logs).render(Path.of("").toAbsolutePath(), cmd);
        Files.writeString(slurm, text);
        try {
            Files.setPosixFilePermissions(slurm, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
        out().println("wrote " + slurm + ": a " + slurmTasks + "-task job array (one shard each); submit it with "
                + "'sbatch " + slurm + "', resubmit a failed task I with 'sbatch --array=I " + slurm + "'");
        return ExitCode.OK;
    }

    /** Progress bar with ETA over the series of this shard (terminal only). */
    private static final class BarListener implements BatchRun.Listener, AutoCloseable {
        private final boolean wanted;
        private ProgressBar bar;

        BarListener(boolean wanted) {
            this.wanted = wanted;
        }

        @Override
        public void planned(long series, long files, long skipped) {
            if (wanted && series > 0) {
                bar = new ProgressBarBuilder().setTaskName("series").setInitialMax(series)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                        .showSpeed().build();
            }
        }

        @Override
        public synchronized void series(BatchRun.SeriesReport report, long done, long total) {
            if (bar != null) {
                bar.stepTo(done);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
