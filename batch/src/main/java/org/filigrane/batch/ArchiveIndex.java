package org.filigrane.batch;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;
import org.filigrane.dicom.DicomReader;

/**
 * The plan of a batch run: every DICOM image of this shard as a line {@code seriesUID TAB studyUID TAB relative
 * path}, sorted by series then path, on disk. It is built in one streaming pass (a directory walk or a manifest),
 * reading only headers, keeping at most {@link #RUN_LINES} lines in memory: full runs are sorted and spilled to
 * disk, then merged. Reading it back ({@link #series()}) holds one series' paths at a time, so an archive of
 * millions of files costs memory in proportion to its largest series, not to its size.
 *
 * <p>Files that are not DICOM images (a DICOMDIR, a README) are skipped and counted. Series without a Series
 * Instance UID get a key of their own per file ({@code "(no UID) path"}), so they are processed one file each.
 */
public final class ArchiveIndex {
    /** Lines sorted in memory before a run is spilled: about 40 MB of paths. */
    static final int RUN_LINES = 200_000;
    private static final String COMPLETE = ".complete";

    private final Path file;
    private final long series;
    private final long files;
    private final long skipped;

    private ArchiveIndex(Path file, long series, long files, long skipped) {
        this.file = file;
        this.series = series;
        this.files = files;
        this.skipped = skipped;
    }

    /** The files of one series, paths relative to the archive root, in path order. */
    public record SeriesFiles(String seriesUid, String studyUid, List<String> paths) {
    }

    public Path file() {
        return file;
    }

    public long seriesCount() {
        return series;
    }

    public long fileCount() {
        return files;
    }

    public long skippedCount() {
        return skipped;
    }

    /**
     * Builds the index of {@code root} (a directory walked recursively, or, with a manifest, the directory the
     * manifest's relative paths start from) for {@code shard}, or reuses the complete one already at {@code file}
     * (the plan of a run being resumed). {@code progress} gets the count of files looked at.
     */
    public static ArchiveIndex build(Path root, Path manifest, Shard shard, Path file, LongConsumer progress)
            throws IOException {
        return build(root, manifest, shard, file, progress, RUN_LINES);
    }

    static ArchiveIndex build(Path root, Path manifest, Shard shard, Path file, LongConsumer progress, int runLines)
            throws IOException {
        Path done = file.resolveSibling(file.getFileName() + COMPLETE);
        if (Files.exists(done) && Files.exists(file)) {
            String[] c = Files.readString(done).trim().split(" ");
            return new ArchiveIndex(file, Long.parseLong(c[0]), Long.parseLong(c[1]), Long.parseLong(c[2]));
        }
        Files.createDirectories(file.getParent());
        Builder b = new Builder(root, shard, file, progress, runLines);
        if (manifest != null) {
            try (BufferedReader r = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        Path p = Path.of(l);
                        b.add(p.isAbsolute() ? p : root.resolve(p));
                    }
                }
            }
        } else {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    // Never index our own state or outputs written under the archive.
                    return dir.getFileName() != null && dir.getFileName().toString().startsWith(".filigrane")
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        b.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        ArchiveIndex index = b.finish();
        Files.writeString(done, index.series + " " + index.files + " " + index.skipped + "\n");
        return index;
    }

    private static final class Builder {
        private final Path root;
        private final Shard shard;
        private final Path file;
        private final LongConsumer progress;
        private final List<String> lines = new ArrayList<>();
        private final List<Path> runs = new ArrayList<>();
        private long seen;
        private long kept;
        private long skipped;
        private final int runLines;

        Builder(Path root, Shard shard, Path file, LongConsumer progress, int runLines) {
            this.runLines = runLines;
            this.root = root.toAbsolutePath().normalize();
            this.shard = shard;
            this.file = file;
            this.progress = progress;
        }

        void add(Path f) throws IOException {
            Path abs = f.toAbsolutePath().normalize();
            progress.accept(++seen);
            if (!abs.startsWith(root)) {
                throw new IOException(f + " lies outside the archive root " + root
                        + " (outputs mirror the tree under the root)");
            }
            DicomReader.FileKey k = DicomReader.keyOf(abs);
            if (k == null) {
                skipped++;
                return;
            }
            String rel = root.relativize(abs).toString();
            String uid = k.seriesUid().isEmpty() ? "(no UID) " + rel : k.seriesUid();
            if (uid.indexOf('\t') >= 0 || rel.indexOf('\t') >= 0 || rel.indexOf('\n') >= 0) {
                skipped++;
                return;
            }
            if (!shard.contains(uid)) {
                return;
            }
            lines.add(uid + "\t" + k.studyUid() + "\t" + rel);
            kept++;
            if (lines.size() >= runLines) {
                spill();
            }
        }

        private void spill() throws IOException {
            lines.sort(null);
            Path run = file.resolveSibling(file.getFileName() + ".run" + runs.size());
            Files.write(run, lines, StandardCharsets.UTF_8);
            runs.add(run);
            lines.clear();
        }

        ArchiveIndex finish() throws IOException {
            spill();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            long series = 0;
            // k-way merge of the sorted runs; counts series as it goes.
            List<BufferedReader> readers = new ArrayList<>();
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                PriorityQueue<Object[]> heap = new PriorityQueue<>((a, b) -> ((String) a[0]).compareTo((String) b[0]));
                for (Path run : runs) {
                    BufferedReader r = Files.newBufferedReader(run, StandardCharsets.UTF_8);
                    readers.add(r);
                    String l = r.readLine();
                    if (l != null) {
                        heap.add(new Object[] {l, r});
                    }
                }
                String lastUid = null;
                while (!heap.isEmpty()) {
                    Object[] top = heap.poll();
                    String l = (String) top[0];
                    String uid = l.substring(0, l.indexOf('\t'));
                    if (!uid.equals(lastUid)) {
                        series++;
                        lastUid = uid;
                    }
                    w.write(l);
                    w.write('\n');
                    String next = ((BufferedReader) top[1]).readLine();
                    if (next != null) {
                        heap.add(new Object[] {next, top[1]});
                    }
                }
            } finally {
                for (BufferedReader r : readers) {
                    r.close();
                }
                for (Path run : runs) {
                    Files.deleteIfExists(run);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new ArchiveIndex(file, series, kept, skipped);
        }
    }

    /** The series in UID order, one at a time; close the iterator's reader by exhausting it or via {@link Cursor}. */
    public Cursor series() throws IOException {
        return new Cursor(Files.newBufferedReader(file, StandardCharsets.UTF_8));
    }

    /** Streams the index one series at a time. */
    public static final class Cursor implements Iterator<SeriesFiles>, AutoCloseable {
        private final BufferedReader reader;
        private String pending;

        Cursor(BufferedReader reader) throws IOException {
            this.reader = reader;
            this.pending = reader.readLine();
        }

        @Override
        public boolean hasNext() {
            return pending != null;
        }

        @Override
        public SeriesFiles next() {
            if (pending == null) {
                throw new NoSuchElementException();
            }
            String[] first = pending.split("\t", 3);
            List<String> paths = new ArrayList<>();
            try {
                while (pending != null) {
                    String[] f = pending.split("\t", 3);
                    if (!f[0].equals(first[0])) {
                        break;
                    }
                    paths.add(f[2]);
                    pending = reader.readLine();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new SeriesFiles(first[0], first[1], paths);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
