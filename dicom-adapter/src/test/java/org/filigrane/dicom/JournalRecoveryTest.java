package org.filigrane.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a recovery may touch. It runs before every one-shot command, over the inputs' folders, which may hold other
 * writers' work in progress (a batch writing below, a command writing above): those are left alone, and a single
 * input file's folder is looked at, not walked.
 */
class JournalRecoveryTest {

    /** Another process holding {@code dir}'s write lock with a POSIX lock, as a JVM's FileLock does on Linux. */
    private static Process holdLock(Path dir) throws Exception {
        Path lock = dir.resolve(Journal.LOCK);
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import fcntl, sys, time\n"
                        + "f = open(sys.argv[1], 'a')\n"
                        + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
                        + "print('locked', flush=True)\n"
                        + "time.sleep(120)\n", lock.toString()).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", r.readLine(), "the lock holder did not start");
        return p;
    }

    private static void stop(Process p) throws Exception {
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    private static Path stray(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("." + name + ".123" + Journal.TMP_SUFFIX), "partial");
    }

    @Test
    void aWriteInProgressBelowIsLeftAlone(@TempDir Path root) throws Exception {
        Path busy = root.resolve("batch-out/series1");
        Path mine = stray(busy, "x.dcm");
        Path idle = stray(root.resolve("old"), "y.dcm");
        Process writer = holdLock(root.resolve("batch-out"));
        try {
            Journal.recover(List.of(root), null);
            assertTrue(Files.exists(mine), "the temporary file of a write in progress below was deleted");
            assertFalse(Files.exists(idle), "a stray of a dead write was kept");
        } finally {
            stop(writer);
        }
        // Its writer gone (killed), the same file is a stray.
        Journal.recover(List.of(root), null);
        assertFalse(Files.exists(mine), "a dead writer's temporary file was kept");
    }

    @Test
    void aWriteInProgressAboveIsLeftAlone(@TempDir Path root) throws Exception {
        // A command writing into root/out, whose files land in root/out/study: a recovery of root/out/study (an input
        // folder of another command) must not take them for strays.
        Path study = root.resolve("out/study");
        Path theirs = stray(study, "z.dcm");
        Process writer = holdLock(root.resolve("out"));
        try {
            Journal.recover(List.of(study), null);
            assertTrue(Files.exists(theirs), "the temporary file of a write in progress above was deleted");
        } finally {
            stop(writer);
        }
    }

    @Test
    void aJournalOfAWriteInProgressIsNotRolledForward(@TempDir Path root) throws Exception {
        Path busy = root.resolve("out");
        Path tmp = stray(busy, "a.dcm");
        Path target = busy.resolve("a.dcm");
        Files.writeString(busy.resolve(Journal.NAME), "filigrane-journal 1\n" + tmp.toAbsolutePath() + "\t"
                + target.toAbsolutePath() + "\n");
        Process writer = holdLock(busy);
        try {
            assertTrue(Journal.recover(List.of(root), null).isEmpty());
            assertTrue(Files.exists(tmp) && !Files.exists(target), "a write in progress was rolled forward");
        } finally {
            stop(writer);
        }
        assertEquals(java.util.Set.of(target.toAbsolutePath()), Journal.recover(List.of(root), null));
        assertTrue(Files.exists(target) && !Files.exists(tmp), "the committed write was not completed");
    }

    @Test
    void aFileInputsFolderIsLookedAtNotWalked(@TempDir Path home) throws Exception {
        Path beside = stray(home, "scan.dcm");
        Path deeper = stray(home.resolve("projects/run"), "other.dcm");
        Journal.recover(List.of(home), 1, null);
        assertFalse(Files.exists(beside), "the stray beside the input was kept");
        assertTrue(Files.exists(deeper), "a shallow recovery walked into a subfolder");
    }
}
