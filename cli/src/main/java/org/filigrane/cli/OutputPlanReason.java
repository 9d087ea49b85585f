package org.filigrane.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One short reason for a file system error, for one-line messages. */
final class OutputPlanReason {
    private OutputPlanReason() {
    }

    static String of(FileSystemException e) {
        String what = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file or directory"
                : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        return what + (e.getFile() != null ? " (" + e.getFile() + ")" : "");
    }
}
