package org.filigrane.router;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The three steps that make a file survive a power cut or a kill -9: write it under a temporary name and fsync it,
 * rename it into place, fsync the directory that now names it. Without the last step the rename itself may be lost.
 */
final class Durable {
    private Durable() {
    }

    static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Renames {@code from} (already fsynced) to {@code to}, replacing it, and fsyncs both directories. */
    static void move(Path from, Path to) throws IOException {
        move(from, to, true);
    }

    /**
     * As {@link #move(Path, Path)}; {@code syncSource} false skips the source directory, for a source whose
     * stale name a recovery removes anyway (the spool's {@code incoming/}).
     */
    static void move(Path from, Path to, boolean syncSource) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(to.getParent());
        if (syncSource && !from.getParent().equals(to.getParent())) {
            fsyncDirectory(from.getParent());
        }
    }

    /** Writes {@code bytes} to {@code target} atomically and durably. */
    static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        move(tmp, target);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
