package org.filigrane.router;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One series on one route in the spool: a directory with the received instances ({@code in/}), the outputs once
 * processed ({@code out/}, listed in {@code out/manifest}) and a journal, append-only and fsynced line by line:
 *
 * <pre>
 * BATCH  route  seriesUid          created
 * RECV   sopUid file  callingAe    an instance was spooled (the fsynced rename into in/ is what makes it
 *                                  durable before it is acknowledged; this line is informative, not synced)
 * END    released|aborted          an association that sent to this series ended
 * PROCESSED n                      outputs written and fsynced, manifest (and issue record) in place
 * ISSUED                           the issue record is in the ledger: forwarding may start
 * ATTEMPT k                        a forwarding attempt starts (what it sends is in doubt until SENT)
 * SENT   sopUid                    the destination confirmed this output instance (not synced line by line:
 *                                  a SENT lost in a crash leaves the instance in doubt, and a C-FIND at the
 *                                  destination settles it before anything is sent again)
 * DONE                             every output confirmed; the directory is then deleted
 * </pre>
 *
 * A line cut short by a crash (no newline) is ignored when the journal is read back; each state change is one
 * line, so replaying the journal gives the state at the last completed step.
 */
final class Batch {
    enum State { RECEIVING, PROCESSING, FORWARDING, DONE, QUARANTINED }

    /** One output instance to forward. */
    record Output(String sopUid, String file) {
    }

    final String id;
    final Path dir;
    final String route;
    final String seriesUid;
    final long created;
    /** SOP Instance UID to file name in {@code in/}, in arrival order. */
    final Map<String, String> instances = new LinkedHashMap<>();
    final Set<String> sent = new LinkedHashSet<>();
    final List<Output> outputs = new ArrayList<>();
    volatile State state = State.RECEIVING;
    int openAssociations;
    boolean lastEndReleased;
    boolean processed;
    boolean issued;
    int attempts;
    long lastActivity;
    long nextAttemptAt;
    String lastError;
    private FileChannel journal;

    private Batch(String id, Path dir, String route, String seriesUid, long created) {
        this.id = id;
        this.dir = dir;
        this.route = route;
        this.seriesUid = seriesUid;
        this.created = created;
        this.lastActivity = created;
    }

    static Batch create(Path dir, String route, String seriesUid) throws IOException {
        Path tmp = dir.resolveSibling("." + dir.getFileName() + ".new");
        Files.createDirectories(tmp.resolve("in"));
        long now = System.currentTimeMillis();
        Batch b = new Batch(dir.getFileName().toString(), dir, route, seriesUid, now);
        Files.writeString(tmp.resolve("journal"), "BATCH\t" + route + "\t" + seriesUid + "\t" + now + "\n",
                StandardCharsets.UTF_8);
        Durable.fsync(tmp.resolve("journal"));
        Durable.fsyncDirectory(tmp.resolve("in"));
        Durable.fsyncDirectory(tmp);
        Durable.move(tmp, dir);
        b.open();
        return b;
    }

    /** Replays the journal of {@code dir}; null when it holds no complete BATCH line. */
    static Batch recover(Path dir) throws IOException {
        Path j = dir.resolve("journal");
        if (!Files.exists(j)) {
            return null;
        }
        String text = Files.readString(j, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        String[] lines = end < 0 ? new String[0] : text.substring(0, end).split("\n");
        if (lines.length == 0 || !lines[0].startsWith("BATCH\t")) {
            return null;
        }
        String[] h = lines[0].split("\t", -1);
        Batch b = new Batch(dir.getFileName().toString(), dir, h[1], h[2], Long.parseLong(h[3]));
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            switch (f[0]) {
                case "RECV" -> {
                    b.instances.put(f[1], f[2]);
                    b.lastEndReleased = false;
                }
                case "END" -> b.lastEndReleased = f[1].equals("released");
                case "PROCESSED" -> b.processed = true;
                case "ISSUED" -> b.issued = true;
                case "ATTEMPT" -> b.attempts = Integer.parseInt(f[1]);
                case "SENT" -> b.sent.add(f[1]);
                case "DONE" -> b.state = State.DONE;
                default -> {
                    // a line from a later version: ignore
                }
            }
        }
        // Instances whose rename into in/ was synced but whose RECV line was not: the directory is the truth.
        try (var files = Files.list(b.in())) {
            Set<String> known = new java.util.HashSet<>(b.instances.values());
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".dcm") && !known.contains(name)) {
                    String sop = Forwarder.headerValue(f, com.pixelmed.dicom.TagFromName.SOPInstanceUID);
                    if (!sop.isEmpty()) {
                        b.instances.put(sop, name);
                    }
                }
            }
        }
        if (b.processed) {
            b.readManifest();
            if (b.state != State.DONE) {
                b.state = State.FORWARDING;
            }
        }
        b.lastActivity = System.currentTimeMillis();
        b.open();
        return b;
    }

    private void open() throws IOException {
        journal = FileChannel.open(dir.resolve("journal"), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Appends one line and fsyncs it: when this returns, the step survives a crash. */
    synchronized void append(String... fields) throws IOException {
        appendLazily(fields);
        journal.force(false);
    }

    /** Appends one line without waiting for the disk (for steps whose loss a recovery can tell). */
    synchronized void appendLazily(String... fields) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((String.join("\t", fields) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            journal.write(b);
        }
    }

    synchronized void sync() throws IOException {
        journal.force(false);
    }

    synchronized void close() {
        try {
            if (journal != null) {
                journal.close();
            }
        } catch (IOException e) {
            // nothing more to write
        }
    }

    Path in() {
        return dir.resolve("in");
    }

    Path out() {
        return dir.resolve("out");
    }

    List<Path> inputFiles() {
        List<Path> files = new ArrayList<>();
        synchronized (this) {
            for (String f : instances.values()) {
                files.add(in().resolve(f));
            }
        }
        return files;
    }

    /**
     * Writes the manifest of outputs (paths relative to the batch directory) and the issue record, if any, durably,
     * then journals PROCESSED.
     */
    void markProcessed(List<Output> outs, IssueRecorder.Issued record) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Output o : outs) {
            sb.append(o.sopUid()).append('\t').append(o.file()).append('\n');
        }
        Files.createDirectories(out());
        if (record != null) {
            Durable.write(out().resolve("issued"), encode(record).getBytes(StandardCharsets.UTF_8));
        } else {
            issued = true; // nothing to record
        }
        Durable.write(out().resolve("manifest"), sb.toString().getBytes(StandardCharsets.UTF_8));
        append("PROCESSED", Integer.toString(outs.size()));
        outputs.clear();
        outputs.addAll(outs);
        processed = true;
    }

    /** The issue record written with the outputs, or null when the route issues none. */
    IssueRecorder.Issued issueRecord() throws IOException {
        Path f = out().resolve("issued");
        if (!Files.exists(f)) {
            return null;
        }
        Map<String, String> m = new java.util.HashMap<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return new IssueRecorder.Issued(java.time.Instant.parse(m.get("time")), m.get("issuerKeyId"),
                m.get("recipient"), m.get("robustId").isEmpty() ? null : Long.parseUnsignedLong(m.get("robustId")),
                m.get("originalSeriesUid"), m.get("newSeriesUid"), split(m.get("originalSopUids")),
                split(m.get("newSopUids")), m.get("originalPixelSha256"), m.get("payloadSha256"));
    }

    private static List<String> split(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
    }

    private static String encode(IssueRecorder.Issued i) {
        // One field a line; no value holds a tab or a newline (UIDs, hex, a recipient name checked by the engine).
        return "time\t" + i.time() + "\nissuerKeyId\t" + i.issuerKeyId() + "\nrecipient\t"
                + i.recipient().replace('\t', ' ').replace('\n', ' ') + "\nrobustId\t"
                + (i.robustId() == null ? "" : Long.toUnsignedString(i.robustId())) + "\noriginalSeriesUid\t"
                + i.originalSeriesUid() + "\nnewSeriesUid\t" + i.newSeriesUid() + "\noriginalSopUids\t"
                + String.join(",", i.originalSopUids()) + "\nnewSopUids\t" + String.join(",", i.newSopUids())
                + "\noriginalPixelSha256\t" + i.originalPixelSha256Hex() + "\npayloadSha256\t"
                + i.payloadSha256Hex() + "\n";
    }

    private void readManifest() throws IOException {
        outputs.clear();
        for (String line : Files.readAllLines(out().resolve("manifest"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                String[] f = line.split("\t", -1);
                outputs.add(new Output(f[0], f[1]));
            }
        }
    }

    long bytes() {
        try (var walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
