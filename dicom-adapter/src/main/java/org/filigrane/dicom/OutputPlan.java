package org.filigrane.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.filigrane.dicom.DicomInputException.Kind;

/**
 * Where outputs go and what may be overwritten. Files keep their names and their paths relative to the deepest
 * directory holding all inputs. Writes go through a {@link Journal}: a failure or a kill leaves either the complete
 * output or the untouched input, and a reader never sees half a file.
 *
 * @param directory  output directory (ignored with {@code inPlace})
 * @param inPlace    replace the input files themselves
 * @param overwrite  replace existing files in {@code directory} (never an input, unless {@code inPlace})
 */
public record OutputPlan(Path directory, boolean inPlace, boolean overwrite) {

    public static OutputPlan into(Path directory) {
        return new OutputPlan(directory, false, false);
    }

    /** The output path for each input, unchecked (to recognise the outputs of an interrupted run). */
    public List<Path> wouldWrite(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        Path base = inputs.isEmpty() ? null : commonParent(inputs);
        for (Path p : inputs) {
            Path abs = p.toAbsolutePath().normalize();
            out.add(inPlace || directory == null ? abs
                    : directory.toAbsolutePath().normalize().resolve(base.relativize(abs)));
        }
        return out;
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
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new DicomInputException(Kind.OUTPUT_FAILED, directory, "is a file, not a directory; choose "
                    + "another --output directory");
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

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** The deepest folder holding every one of {@code inputs} (files). */
    public static Path commonParent(List<Path> inputs) {
        Path base = inputs.get(0).toAbsolutePath().normalize().getParent();
        for (Path p : inputs) {
            Path parent = p.toAbsolutePath().normalize().getParent();
            while (!parent.startsWith(base)) {
                base = base.getParent();
            }
        }
        return base;
    }

    /** The directory the journal of this plan's writes goes in: the output directory, or the inputs' parent. */
    Path journalRoot(List<Path> targets) {
        return inPlace ? commonParent(targets) : directory.toAbsolutePath().normalize();
    }

    /** Writes each file's bytes to its target, crash-safe (see {@link Journal}). */
    void writeAll(List<byte[]> contents, List<Path> targets, List<Path> sources, IntConsumer progress)
            throws DicomInputException {
        Path root = journalRoot(targets);
        try {
            Journal.write(root, contents, targets, sources, progress);
        } catch (java.nio.file.FileSystemException e) {
            throw new DicomInputException(Kind.OUTPUT_FAILED, Path.of(e.getFile() == null ? root.toString()
                    : e.getFile()), "cannot write: " + reason(e));
        } catch (IOException e) {
            throw new DicomInputException(Kind.OUTPUT_FAILED, root, "cannot write: " + e.getMessage());
        }
    }

    static String reason(java.nio.file.FileSystemException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file is in the way";
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    /**
     * Checks, before any work and without creating anything, that the output directory is writable or can be
     * created.
     */
    void checkWritable(List<Path> targets) throws DicomInputException {
        Path root = journalRoot(targets);
        try {
            Path existing = root;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isDirectory(existing)) {
                throw new DicomInputException(Kind.OUTPUT_FAILED, existing == null ? root : existing,
                        "is not a directory; the output directory cannot be created");
            }
            if (existing.equals(root)) {
                Path probe = Files.createTempFile(root, ".probe.", Journal.TMP_SUFFIX);
                Files.delete(probe);
            } else if (!Files.isWritable(existing)) {
                throw new DicomInputException(Kind.OUTPUT_FAILED, existing, "the output directory cannot be "
                        + "created here: permission denied");
            }
        } catch (java.nio.file.FileSystemException e) {
            throw new DicomInputException(Kind.OUTPUT_FAILED, Path.of(e.getFile() == null ? root.toString()
                    : e.getFile()), "the output directory cannot be written: " + reason(e));
        } catch (IOException e) {
            throw new DicomInputException(Kind.OUTPUT_FAILED, root, "the output directory cannot be written: "
                    + e.getMessage());
        }
    }
}
