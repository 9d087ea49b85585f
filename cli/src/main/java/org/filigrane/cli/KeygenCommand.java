package org.filigrane.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.filigrane.dicom.DicomInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", description = "Write a new random 256-bit master key (hex, owner-only permissions).")
final class KeygenCommand extends CommandBase {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "key file to create")
    Path file;

    @Override
    Integer execute() throws Exception {
        if (Files.exists(file)) {
            throw new DicomInputException(DicomInputException.Kind.OUTPUT_EXISTS, file,
                    "exists already; a key is never overwritten");
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, HexFormat.of().formatHex(k) + "\n");
        out().println("wrote a new master key to " + file + " (keep it secret; back it up: without it nothing "
                + "can be verified or restored)");
        return ExitCode.OK;
    }
}
