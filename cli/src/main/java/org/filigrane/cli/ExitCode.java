package org.filigrane.cli;

/** Exit codes of the {@code filigrane} command (documented in the README and in {@code filigrane --help}). */
final class ExitCode {
    /** Done; for verify: AUTHENTIC. */
    static final int OK = 0;
    /** Unexpected internal error (a bug: please report it with the message). */
    static final int INTERNAL = 1;
    /** Bad command line or key: unknown option, unknown backend, key missing, unreadable, malformed or too short. */
    static final int USAGE = 2;
    /** Bad input: not DICOM, truncated, lossy, colour, unsupported format, several series, slice gap. */
    static final int BAD_INPUT = 3;
    /** The watermark is there and authentic but pixels, slices or attributes were changed. */
    static final int TAMPERED = 4;
    /** A watermark is there but does not verify with this key (wrong key, or forged). */
    static final int NOT_AUTHENTIC = 5;
    /** No Filigrane watermark found. */
    static final int NOT_WATERMARKED = 6;
    /** The message does not fit the images (see {@code filigrane capacity}). */
    static final int CAPACITY = 7;
    /**
     * Output refused or impossible: it would overwrite an input, an existing file or key (see --force, --in-place),
     * or the output directory cannot be created or written.
     */
    static final int OUTPUT_REFUSED = 8;
    /** Another input/output error of the environment (disk full, a file vanished while being read). */
    static final int IO = 9;

    static final String HELP = """
            Exit codes:
              0  done (verify: AUTHENTIC)
              1  internal error
              2  bad command line or key (unknown option or backend; key file
                missing, unreadable, malformed or short; no trusted public key)
              3  bad input (not DICOM, truncated, lossy, colour, unsupported,
                several series, slice gap, SOP/Series Instance UID missing)
              4  TAMPERED: pixels, slices or attributes changed (verify, restore)
              5  NOT_AUTHENTIC: a watermark that does not verify with this key
              6  NOT_WATERMARKED: no Filigrane watermark found
              7  the message does not fit (see 'filigrane capacity')
              8  output refused: it would overwrite an input, an existing file or a
                key (see --force, --in-place), or -o cannot be created or written
              9  other I/O error (disk full, a file vanished while being read)
            Errors print one line; --debug adds the stack trace.""";

    private ExitCode() {
    }
}
