package org.filigrane.dicom;

import java.nio.file.Path;

/**
 * The input cannot be turned into a volume, or an output cannot be written where asked. The message names the file
 * and says why (and, where there is one, what to do); {@link #kind()} lets a caller map it to an exit code.
 */
public final class DicomInputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    public enum Kind {
        /** Not a DICOM Part 10 file, or unreadable. */
        NOT_DICOM,
        /** The file ends before its pixel data does. */
        TRUNCATED,
        /** The object has no pixel data (a report, a plan, a DICOMDIR...). */
        NO_PIXELS,
        /** Lossy-compressed now or in its history: a reversible watermark on such pixels promises nothing. */
        LOSSY,
        /** Colour or multi-sample images. */
        COLOR,
        /** A pixel format or encoding this adapter does not handle (bits allocated 1 or 32, float pixels...). */
        UNSUPPORTED,
        /** The inputs hold several series and none was chosen. */
        MIXED_SERIES,
        /** Slice positions leave a gap, or two slices share one position. */
        SLICE_GAP,
        /** Slices of one series disagree on size or pixel format. */
        INCONSISTENT,
        /** Writing would overwrite an input or an existing file without being asked to. */
        OUTPUT_EXISTS,
        /** The output cannot be written: the directory cannot be created, is not writable, or the disk is full. */
        OUTPUT_FAILED,
        /** A required attribute (SOP Instance UID, Series Instance UID) is missing. */
        MISSING_UID,
        /** Embedding asked on objects that carry a Filigrane watermark already. */
        ALREADY_WATERMARKED,
        /** No input files. */
        NO_INPUT
    }

    private final Kind kind;
    private final transient Path file;

    public DicomInputException(Kind kind, Path file, String message) {
        super((file != null ? file + ": " : "") + message);
        this.kind = kind;
        this.file = file;
    }

    public DicomInputException(Kind kind, Path file, String message, Throwable cause) {
        super((file != null ? file + ": " : "") + message, cause);
        this.kind = kind;
        this.file = file;
    }

    public Kind kind() {
        return kind;
    }

    /** The file concerned, or null when the problem is with the set of inputs. */
    public Path file() {
        return file;
    }
}
