package org.filigrane.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What a run has done, one line per step of a series, appended and synced to disk before the run goes on:
 *
 * <pre>
 *   STAGED  uid  newSeriesUid   outputs are complete and synced in the staging folder; the ledger record is next
 *   DONE    uid  outcome        outputs renamed into place (or, for verify, the outcome recorded)
 *   FAILED  uid  reason         the series failed (bad input, no capacity, ...); nothing of it is visible
 * </pre>
 *
 * Each line ends with the CRC-32 of the rest, so a line torn by a crash (kill -9, power loss) in the middle of an
 * append is recognised and ignored: a series whose last good line is not DONE or FAILED is taken up again. The
 * latest line of a series wins. One journal per shard, so that no two processes append to one file.
 */
final class Journal implements AutoCloseable {
    enum State { STAGED, DONE, FAILED }

    /** The latest state of a series and that line's detail (new Series UID, outcome or reason). */
    record Entry(State state, String detail) {
    }

    private final FileChannel channel;
    private final Map<String, Entry> entries;

    private Journal(FileChannel channel, Map<String, Entry> entries) {
        this.channel = channel;
        this.entries = entries;
    }

    static Journal open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Map<String, Entry> entries = new HashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                int bar = line.lastIndexOf('\t');
                if (bar < 0 || !crc(line.substring(0, bar)).equals(line.substring(bar + 1))) {
                    continue;   // torn by a crash
                }
                String[] f = line.substring(0, bar).split("\t", 3);
                if (f.length == 3) {
                    try {
                        entries.put(f[1], new Entry(State.valueOf(f[0]), f[2]));
                    } catch (IllegalArgumentException e) {
                        // unknown state from another version: ignore the line
                    }
                }
            }
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        // A torn last line has no newline: start ours on a fresh line.
        if (ch.size() > 0) {
            try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                r.read(last, r.size() - 1);
                if (last.get(0) != '\n') {
                    ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                }
            }
        }
        return new Journal(ch, entries);
    }

    private static String crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", c.getValue());
    }

    /** Series whose latest state is final (DONE or FAILED). */
    synchronized java.util.List<String> finished() {
        return entries.entrySet().stream().filter(e -> e.getValue().state() != State.STAGED).map(Map.Entry::getKey)
                .toList();
    }

    synchronized Entry get(String uid) {
        return entries.get(uid);
    }

    /** Appends one line and syncs it (data and length) before returning. */
    synchronized void append(State state, String uid, String detail) throws IOException {
        String body = state + "\t" + uid + "\t" + detail.replace('\t', ' ').replace('\n', ' ');
        byte[] b = (body + "\t" + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(true);
        entries.put(uid, new Entry(state, detail));
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
