package org.filigrane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.filigrane.batch.Shard;
import org.filigrane.dicom.DicomReader;
import org.filigrane.dicom.SampleSeries;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.TrustedIssuers;
import org.filigrane.ledger.Ledger;
import org.filigrane.ledger.PgCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code filigrane batch --slurm} on a real single-node SLURM (slurmctld, slurmd, munge; scripts/test-servers.sh)
 * with the shards' ledger on a real PostgreSQL server (the ledger module's throwaway {@link PgCluster}), both started
 * here and stopped by PID: a 4-task job array over a
 * generated archive, one task killed with SIGKILL mid-run, that task resubmitted; then every series is done exactly
 * once, in exactly one shard, its outputs complete and authentic, and the ledger holds one record per series and
 * verifies. Needs root and the packages of scripts/setup.sh; skipped without them, except under CI=true, where it
 * fails instead.
 */
class BatchSlurmTest {
    static final int SERIES = 12;
    static final int TASKS = 4;
    static final Path SERVERS = Path.of("..", "scripts", "test-servers.sh").toAbsolutePath().normalize();
    static Path dir;
    static String slurmConf;
    static String jdbc;
    static PgCluster pg;

    @BeforeAll
    static void servers() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root (munged and PostgreSQL run as their own users)";
        }
        for (String tool : List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/munged")) {
            if (!Files.isExecutable(Path.of(tool))) {
                missing = tool + " (scripts/setup.sh installs it)";
            }
        }
        if (missing != null) {
            if (ci) {
                fail("CI=true and the SLURM/PostgreSQL test cannot run: missing " + missing);
            }
            Assumptions.abort("missing " + missing);
        }
        dir = Files.createTempDirectory("filigrane-slurm");
        slurmConf = sh(SERVERS.toString(), "slurm-start", dir.toString()).strip();
        pg = PgCluster.start();
        jdbc = pg.newDatabase();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        if (dir != null) {
            sh(SERVERS.toString(), "slurm-stop", dir.toString());
            try (var w = Files.walk(dir)) {
                for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static String sh(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (slurmConf != null) {
            pb.environment().put("SLURM_CONF", slurmConf);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    static void waitForJob(String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!sh("squeue", "-h", "-j", job).isBlank()) {
            if (System.nanoTime() > deadline) {
                fail("job " + job + " still queued: " + sh("squeue"));
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aJobArrayWithOneTaskKilledAndResubmittedDoesEverySeriesOnce() throws Exception {
        Path archive = dir.resolve("archive");
        Map<Integer, Integer> perShard = new HashMap<>();
        for (int s = 0; s < SERIES; s++) {
            Path d = archive.resolve("study" + (s % 3)).resolve("series" + s);
            SampleSeries.write(d, 300 + s, 6, 96, 96);
        }
        List<String> uids = new ArrayList<>();
        try (var w = Files.walk(archive, 2)) {
            for (Path d : w.filter(p -> p.getFileName().toString().startsWith("series")).toList()) {
                try (var f = Files.list(d)) {
                    String uid = DicomReader.keyOf(f.findFirst().orElseThrow()).seriesUid();
                    uids.add(uid);
                    perShard.merge(Shard.of(uid, TASKS), 1, Integer::sum);
                }
            }
        }
        // Kill the task with the most series, so that it dies with work left.
        int victim = perShard.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Path out = dir.resolve("out");
        Path key = dir.resolve("issuer.key");
        Files.writeString(key, CliTest.KEY_HEX + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path script = dir.resolve("job.sh");
        CliTest.Run w = BatchResumeTest.run(List.of("batch", "embed", archive.toString(), "-o", out.toString(),
                "--key-file", key.toString(), "--backend", "reference", "--recipient", "partner", "--ledger", jdbc,
                "-q", "--slurm", script.toString(), "--slurm-tasks", "" + TASKS, "--slurm-cpus", "1",
                "--slurm-mem", "1G"));
        assertEquals(0, w.code(), w.all());
        assertTrue(Files.readString(script).contains("#SBATCH --array=0-3"));

        String job = sh("sbatch", "--parsable", script.toString()).strip();
        String task = job + "_" + victim;
        Path journal = out.resolve(".filigrane-batch/journal-" + victim + "-of-" + TASKS + ".log");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        // Kill it as soon as it has finished its first series (or, at the latest, once it runs for 20 s).
        long runningSince = 0;
        while (System.nanoTime() < deadline) {
            String state = sh("squeue", "-h", "-j", task, "-o", "%T").strip();
            if (state.equals("RUNNING") && runningSince == 0) {
                runningSince = System.nanoTime();
            }
            boolean firstDone = Files.exists(journal) && Files.readString(journal).contains("DONE\t");
            if (firstDone || runningSince > 0 && System.nanoTime() - runningSince > TimeUnit.SECONDS.toNanos(20)) {
                break;
            }
            if (state.isEmpty() && runningSince > 0) {
                break;   // it finished before we could kill it: the resubmission below still must change nothing
            }
            Thread.sleep(50);
        }
        sh("scancel", "--full", "--signal=KILL", task);
        waitForJob(job);
        long doneBeforeResubmit = Files.exists(journal)
                ? Files.readAllLines(journal).stream().filter(l -> l.startsWith("DONE\t")).count() : 0;
        System.out.println("BatchSlurmTest: task " + victim + " killed with " + doneBeforeResubmit + " of "
                + perShard.get(victim) + " series done");

        String again = sh("sbatch", "--parsable", "--array=" + victim, script.toString()).strip();
        waitForJob(again);

        // Every series: DONE exactly once over all shard journals, in the shard its UID hashes to.
        Map<String, Integer> done = new HashMap<>();
        for (int i = 0; i < TASKS; i++) {
            Path j = out.resolve(".filigrane-batch/journal-" + i + "-of-" + TASKS + ".log");
            for (String line : Files.readAllLines(j)) {
                if (line.startsWith("DONE\t")) {
                    String uid = line.split("\t")[1];
                    assertEquals(i, Shard.of(uid, TASKS), uid + " done by the wrong shard");
                    done.merge(uid, 1, Integer::sum);
                }
            }
        }
        assertEquals(SERIES, done.size(), "series done: " + done.size() + "; logs: " + logs(out));
        done.forEach((uid, n) -> assertEquals(1, n, uid + " done " + n + " times"));
        assertTrue(done.keySet().containsAll(uids));
        // Outputs complete and authentic.
        CliTest.Run v = BatchResumeTest.run(List.of("batch", "verify", out.toString(), "--state",
                dir.resolve("verify").toString(), "--key-file", key.toString(), "--backend", "reference", "-q"));
        assertEquals(0, v.code(), v.all());
        assertTrue(v.out().contains("authentic=" + SERIES), v.out());
        // The shared ledger: one record per series, chain and signatures valid.
        try (Ledger l = Ledger.open(jdbc)) {
            Ledger.VerifyResult check = l.verify(TrustedIssuers.of(IssuerKey.fromHex(CliTest.KEY_HEX, "test")
                    .publicKey()));
            assertTrue(check.ok(), check.toString());
            assertEquals(SERIES, check.entries(), "ledger records");
            java.util.Set<String> originals = new java.util.HashSet<>();
            for (var e : l.list()) {
                originals.add(e.record().originalSeriesUid());
            }
            assertEquals(new java.util.HashSet<>(uids), originals, "one record per original series");
        }
    }

    private static String logs(Path out) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var w = Files.list(out.resolve(".filigrane-batch/slurm"))) {
            for (Path p : w.toList()) {
                sb.append(p.getFileName()).append(":\n").append(Files.readString(p)).append('\n');
            }
        }
        return sb.toString();
    }
}
