package org.filigrane.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.filigrane.dicom.DicomInputException.Kind;

/**
 * Where outputs go and what may be overwritten. Files keep their names and their paths relative to the deepest
 * directory holding all inputs. Every file is first written to a temporary sibling, and only when all of them are
 * written are they renamed into place (atomically where the file system can), so a failure leaves no partial
 * output and a reader never sees half a file.
 *
 * @param directory  output directory (ignored with {@code inPlace})
 * @param inPlace    replace the input files themselves
 * @param overwrite  replace existing files in {@code directory} (never an input, unless {@code inPlace})
 */
public record OutputPlan(Path directory, boolean inPlace, boolean overwrite) {

    public static OutputPlan into(Path directory) {
        return new OutputPlan(directory, false, false);
    }

    /** Output path for each input, checked against the rules above before anything is written. */
    List<Path> targets(List<Path> inputs) throws DicomInputException {
        List<Path> out = new ArrayList<>();
        if (inPlace) {
            for (Path p : inputs) {
                out.add(p.toAbsolutePath().normalize());
            }
            return out;
        }
        if (directory == null) {
            throw new DicomInputException(Kind.OUTPUT_EXISTS, null, "no output directory given (--output DIR), "
                    + "and --in-place was not asked for");
        }
        Path base = commonParent(inputs);
        List<Path> realInputs = new ArrayList<>();
        for (Path p : inputs) {
            realInputs.add(real(p));
        }
        for (Path p : inputs) {
            Path abs = p.toAbsolutePath().normalize();
            Path target = directory.toAbsolutePath().normalize().resolve(base.relativize(abs));
            Path realTarget = real(target);
            if (realInputs.contains(realTarget)) {
                throw new DicomInputException(Kind.OUTPUT_EXISTS, target, "would overwrite an input file; choose "
                        + "another --output directory, or pass --in-place to replace the inputs");
            }
            if (Files.exists(target) && !overwrite) {
                throw new DicomInputException(Kind.OUTPUT_EXISTS, target, "exists already; pass --force to "
                        + "replace it");
            }
            if (out.contains(target)) {
                throw new DicomInputException(Kind.OUTPUT_EXISTS, target, "two inputs map to this output");
            }
            out.add(target);
        }
        return out;
    }

    /** Temporary files are created owner-only; the output gets its input's permissions instead. */
    private static void copyPermissions(Path from, Path to) {
        try {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system, or the input vanished: keep the default.
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static Path commonParent(List<Path> inputs) {
        Path base = inputs.get(0).toAbsolutePath().normalize().getParent();
        for (Path p : inputs) {
            Path parent = p.toAbsolutePath().normalize().getParent();
            while (!parent.startsWith(base)) {
                base = base.getParent();
            }
        }
        return base;
    }

    /** Writes one object to {@code target} (creating its directory) and syncs it to disk before returning. */
    static void writeSynced(AttributeList list, String transferSyntax, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            list.write(target.toFile(), transferSyntax, true, true);
        } catch (DicomException e) {
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        // PixelMed closes its stream; fsync through a descriptor of our own flushes the same file's pages.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(target,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Writes each list to its target in its transfer syntax: temporary files first, then renames. */
    static void writeAll(List<AttributeList> lists, List<String> transferSyntaxes, List<Path> targets,
            List<Path> sources, IntConsumer progress) throws IOException {
        List<Path> temps = new ArrayList<>();
        try {
            for (int i = 0; i < lists.size(); i++) {
                Path target = targets.get(i);
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".filigrane-tmp");
                temps.add(tmp);
                try {
                    lists.get(i).write(tmp.toFile(), transferSyntaxes.get(i), true, true);
                } catch (DicomException e) {
                    throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
                }
                copyPermissions(sources.get(i), tmp);
                progress.accept(i + 1);
            }
            for (int i = 0; i < temps.size(); i++) {
                try {
                    Files.move(temps.get(i), targets.get(i), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temps.get(i), targets.get(i), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            temps.clear();
        } finally {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
        }
    }
}
