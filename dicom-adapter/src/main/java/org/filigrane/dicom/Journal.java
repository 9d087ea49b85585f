package org.filigrane.dicom;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Crash-safe multi-file writes. A write of several files goes in three steps:
 * <ol>
 *   <li>every output is written to a hidden temporary sibling ({@code .NAME.RANDOM.filigrane-tmp}), then all are
 *       synced (several at once, see {@link #syncAll});</li>
 *   <li>the journal {@value #NAME}, listing each temporary file and its target, is written beside them under a
 *       temporary name, synced and renamed into place: this rename is the commit point;</li>
 *   <li>each temporary file is renamed onto its target, then the journal is deleted.</li>
 * </ol>
 * {@link #recover} runs before any command reads or writes a directory: a journal there is rolled forward (the
 * remaining renames are done, the journal deleted); temporary files without a journal are from a write that never
 * committed and are deleted. So after a kill at any moment, the next command sees either the complete output or
 * the untouched input, and never a temporary file (the reader also skips them).
 */
public final class Journal {
    public static final String NAME = ".filigrane-journal";
    public static final String TMP_SUFFIX = ".filigrane-tmp";
    /** Held (an OS file lock) by a write in progress, so that another process's recovery leaves it alone. */
    public static final String LOCK = ".filigrane-lock";
    private static final String MAGIC = "filigrane-journal 1";
    /** Test hook: the numbered point at which to pause (see {@link #point}); 0 when unset. */
    private static final int PAUSE_AT = pauseAt();
    private static int points;

    private Journal() {
    }

    /** Whether a file found in a directory is Filigrane's own bookkeeping (never an input). */
    public static boolean isBookkeeping(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(TMP_SUFFIX) || n.equals(NAME) || n.equals(LOCK);
    }

    /**
     * Writes {@code contents[i]} to {@code targets[i]} (all under {@code root}) as described above; {@code sources}
     * (same order) lend their POSIX permissions to the outputs.
     */
    static void write(Path root, List<byte[]> contents, List<Path> targets, List<Path> sources,
            java.util.function.IntConsumer progress) throws IOException {
        Files.createDirectories(root);
        try (Lock lock = Lock.acquire(root, true)) {
            writeLocked(root, contents, targets, sources, progress);
        }
    }

    private static void writeLocked(Path root, List<byte[]> contents, List<Path> targets, List<Path> sources,
            java.util.function.IntConsumer progress) throws IOException {
        List<Path> temps = new ArrayList<>();
        boolean committed = false;
        Path journal = root.resolve(NAME);
        try {
            for (int i = 0; i < contents.size(); i++) {
                Path target = targets.get(i);
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", TMP_SUFFIX);
                temps.add(tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(contents.get(i));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                copyPermissions(sources.get(i), tmp);
                progress.accept(i + 1);
                point();
            }
            syncAll(temps);
            StringBuilder sb = new StringBuilder(MAGIC).append('\n');
            for (int i = 0; i < temps.size(); i++) {
                sb.append(temps.get(i).toAbsolutePath()).append('\t').append(targets.get(i).toAbsolutePath())
                        .append('\n');
            }
            Path journalTmp = Files.createTempFile(root, NAME + ".", TMP_SUFFIX);
            temps.add(journalTmp);
            Files.writeString(journalTmp, sb, StandardCharsets.UTF_8);
            sync(journalTmp);
            point();
            move(journalTmp, journal);
            syncDirectory(root);
            committed = true;
            point();
            rollForward(journal);
        } finally {
            if (!committed) {
                for (Path t : temps) {
                    Files.deleteIfExists(t);
                }
            }
        }
    }

    /**
     * Completes or undoes an interrupted write in {@code dirs} and the directories below them: rolls a journal
     * forward, deletes temporary files no journal names. Returns the targets of the writes it completed; {@code err}
     * gets one line per directory repaired.
     */
    public static Set<Path> recover(List<Path> dirs, PrintStream err) throws IOException {
        return recover(dirs, Integer.MAX_VALUE, err);
    }

    /**
     * As {@link #recover(List, PrintStream)}, looking {@code depth} levels down ({@code 1}: the directories' own
     * entries only, as for the directory of a single input file, which may be a home directory or a shared folder).
     * A write in progress is never touched: not in a directory whose write lock another writer holds (another
     * process, or another thread of this one), nor below one, however far up that directory is.
     */
    public static Set<Path> recover(List<Path> dirs, int depth, PrintStream err) throws IOException {
        Set<Path> completed = new LinkedHashSet<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            boolean anything;
            try (Stream<Path> walk = Files.walk(dir, depth)) {
                anything = walk.anyMatch(p -> isBookkeeping(p));
            }
            if (!anything) {
                continue;
            }
            Lock lock;
            try {
                lock = Lock.acquire(dir, false);
            } catch (IOException e) {
                // A read-only directory: nothing can be repaired here, and readers skip the leftovers anyway.
                if (err != null) {
                    err.println("filigrane: warning: an interrupted write left files in " + dir + " that cannot be "
                            + "cleaned up here (" + e.getMessage() + "); they are ignored");
                }
                continue;
            }
            if (lock == null) {
                continue; // another process is writing here right now: its files are not strays
            }
            try (lock) {
                recoverLocked(dir.toAbsolutePath().normalize(), depth, err, completed);
            }
        }
        return completed;
    }

    private static void recoverLocked(Path dir, int depth, PrintStream err, Set<Path> completed) throws IOException {
        // A writer locks its own root (write's root), which may lie below dir or above it; its temporary files
        // and journal sit at or below that root. Holding dir's lock says nothing about those writers.
        java.util.Map<Path, Boolean> held = new java.util.HashMap<>();
        // One walk for both: a temporary file a journal names is gone once that journal is rolled forward.
        List<Path> journals = new ArrayList<>();
        List<Path> strays = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            walk.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.equals(NAME)) {
                    journals.add(p);
                } else if (n.endsWith(TMP_SUFFIX)) {
                    strays.add(p);
                }
            });
        }
        for (Path j : journals) {
            if (inWriteInProgress(j.toAbsolutePath().normalize(), dir, held)) {
                continue;
            }
            List<Path> done = rollForward(j);
            completed.addAll(done);
            if (err != null) {
                err.println("filigrane: completed an interrupted write of " + done.size() + " file(s) in "
                        + j.getParent() + " (journal " + NAME + ")");
            }
        }
        int removed = 0;
        for (Path s : strays) {
            if (!inWriteInProgress(s.toAbsolutePath().normalize(), dir, held)) {
                removed += Files.deleteIfExists(s) ? 1 : 0;
            }
        }
        if (removed > 0 && err != null) {
            err.println("filigrane: removed " + removed + " temporary file(s) of an interrupted write in "
                    + dir + " (it never completed; the files it would have replaced are untouched)");
        }
    }

    /**
     * Whether {@code file} lies in or below a directory, other than {@code ours} (whose lock the caller holds),
     * whose write lock is held: its own directory and every one above it, up to the file system's root.
     */
    private static boolean inWriteInProgress(Path file, Path ours, java.util.Map<Path, Boolean> held) {
        for (Path d = file.getParent(); d != null; d = d.getParent()) {
            if (!d.equals(ours) && held.computeIfAbsent(d, Lock::heldElsewhere)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The directory's write lock: an OS lock on {@value #LOCK}, released by the OS when the process dies (kill -9
     * included), deleted when released. A recovery that finds it held by another process skips the directory.
     */
    private static final class Lock implements AutoCloseable {
        /**
         * Lock files this JVM holds. Checked before opening a channel on one: on Linux, closing any channel on a
         * file drops every lock the process holds on it, so a probe must never open the file a thread here holds.
         */
        private static final Set<Path> HELD_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Path file;
        private final FileChannel channel;
        private final java.nio.channels.FileLock lock;

        private Lock(Path file, FileChannel channel, java.nio.channels.FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        /** Waits for the lock when {@code wait}, else returns null when another process holds it. */
        static Lock acquire(Path dir, boolean wait) throws IOException {
            Path f = dir.toAbsolutePath().normalize().resolve(LOCK);
            for (int attempt = 0; attempt < 100_000; attempt++) {
                if (HELD_HERE.contains(f)) {
                    // Another thread of this JVM writes here: wait for it, or say it is busy.
                    if (!wait) {
                        return null;
                    }
                    pause(f);
                    continue;
                }
                FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                java.nio.channels.FileLock l;
                try {
                    l = wait ? ch.lock() : ch.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    l = null; // this JVM holds it (a write in progress on another thread)
                }
                if (l == null) {
                    ch.close();
                    if (!wait) {
                        return null;
                    }
                    pause(f);
                    continue;
                }
                // The previous holder deletes the file before releasing it: we may hold a lock on a file that is
                // gone while another process locks a new one. A token written through our channel and read back
                // through the path tells.
                byte[] token = java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap(token), 0);
                byte[] there;
                try {
                    there = Files.readAllBytes(f);
                } catch (IOException e) {
                    there = new byte[0];
                }
                if (java.util.Arrays.equals(token, there)) {
                    if (!HELD_HERE.add(f)) {
                        // Another thread of this JVM took it between the check above and here.
                        l.release();
                        ch.close();
                        continue;
                    }
                    return new Lock(f, ch, l);
                }
                l.release();
                ch.close();
            }
            throw new IOException("cannot lock " + f);
        }

        private static void pause(Path f) throws IOException {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + f);
            }
        }

        /**
         * Whether a writer other than the caller holds {@code dir}'s lock: a thread of this JVM, or another process
         * (probed with a lock attempt on the file, released at once). No lock file: no writer.
         */
        static boolean heldElsewhere(Path dir) {
            Path f = dir.resolve(LOCK);
            if (HELD_HERE.contains(f)) {
                return true;
            }
            if (!Files.exists(f)) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                java.nio.channels.FileLock l = ch.tryLock();
                if (l == null) {
                    return true;
                }
                l.release();
                return false;
            } catch (java.nio.channels.OverlappingFileLockException e) {
                return true;
            } catch (java.nio.file.NoSuchFileException e) {
                return false; // gone meanwhile: its writer finished
            } catch (IOException e) {
                return true; // cannot tell (not ours to open): leave what is below it alone
            }
        }

        @Override
        public void close() throws IOException {
            try {
                Files.deleteIfExists(file);
            } finally {
                try {
                    lock.release();
                    channel.close();
                } finally {
                    HELD_HERE.remove(file);
                }
            }
        }
    }

    /** Does the renames a committed journal lists (those not done yet), then deletes it; returns the targets. */
    private static List<Path> rollForward(Path journal) throws IOException {
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new IOException(journal + " is not a Filigrane journal; remove it by hand if it is stale");
        }
        List<Path> targets = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            Path tmp = Path.of(line.substring(0, tab));
            Path target = Path.of(line.substring(tab + 1));
            targets.add(target);
            if (Files.exists(tmp)) {
                move(tmp, target);
                point();
            }
        }
        syncDirectory(journal.getParent());
        Files.deleteIfExists(journal);
        syncDirectory(journal.getParent());
        point();
        return targets;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Most fsyncs in flight at once in {@link #syncAll}. */
    private static final int SYNC_STREAMS = 16;

    /**
     * Syncs every file before returning, several at once: a journaling file system commits concurrent fsyncs
     * together, so a hundred small files take about as long as a few (0.04 s against 0.4 s one by one here).
     */
    static void syncAll(List<Path> files) throws IOException {
        if (files.size() <= 1) {
            for (Path f : files) {
                sync(f);
            }
            return;
        }
        int streams = Math.min(SYNC_STREAMS, files.size());
        List<Thread> threads = new ArrayList<>();
        IOException[] failure = new IOException[1];
        for (int t = 0; t < streams; t++) {
            int first = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < files.size(); i += streams) {
                    try {
                        sync(files.get(i));
                    } catch (IOException e) {
                        synchronized (failure) {
                            if (failure[0] == null) {
                                failure[0] = e;
                            }
                        }
                        return;
                    }
                }
            }));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the syncs must finish before the write can go on or fail
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the renames are atomic anyway.
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system, or the input vanished: keep the default.
        }
    }

    /**
     * Numbered points of a write, for the crash test: with {@code FILIGRANE_TEST_PAUSE_AT=k} the process says
     * "filigrane-test: paused at k" on stderr at the k-th point and sleeps, to be killed there.
     */
    static void point() {
        points++;
        if (PAUSE_AT > 0 && points == PAUSE_AT) {
            System.err.println("filigrane-test: paused at " + points);
            System.err.flush();
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int pauseAt() {
        try {
            String v = System.getenv("FILIGRANE_TEST_PAUSE_AT");
            return v == null ? 0 : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

}
