package org.filigrane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.filigrane.engine.IssuerKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a new issuer key: the private file (hex, owner-only) and the public key beside it (PEM, {@code .pub}).
 * Each file is written to a temporary sibling first and renamed, so an interrupted run leaves no half key.
 */
@Command(name = "keygen", description = "Write a new issuer key: FILE (private, owner-only) and its public key "
        + "beside it (FILE without .key, plus .pub; PEM).")
final class KeygenCommand extends CommandBase {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "private key file to create")
    Path file;

    @Option(names = "--force", description = "replace existing key files (the old key is lost)")
    boolean force;

    static Path publicKeyFile(Path privateFile) {
        String name = privateFile.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return privateFile.resolveSibling(base + ".pub");
    }

    @Override
    Integer execute() throws Exception {
        Path pub = publicKeyFile(file);
        for (Path p : new Path[] {file, pub}) {
            if (Files.exists(p) && !force) {
                throw new OutputException(p + " exists already; a key is never overwritten unless --force is given");
            }
        }
        IssuerKey key = IssuerKey.generate();
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            writeAtomically(file, key.toHex(), true);
            writeAtomically(pub, key.publicKey().toPem(), false);
        } catch (AccessDeniedException | NoSuchFileException | FileAlreadyExistsException e) {
            throw new OutputException("cannot write the key into " + parent + ": " + e.getClass().getSimpleName()
                    .replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase()
                    + " (" + e.getFile() + ")");
        }
        if (json) {
            Map<String, Object> m = Json.object();
            m.put("command", "keygen");
            m.put("privateKey", file.toString());
            m.put("publicKey", pub.toString());
            m.put("keyId", key.keyId());
            out().println(Json.write(m));
        } else {
            out().println("wrote the issuer key " + key.keyId() + ": private " + file + " (owner-only; keep it secret "
                    + "and back it up: without it nothing can be embedded) and public " + pub + " (give it to "
                    + "whoever verifies)");
        }
        return ExitCode.OK;
    }

    private static void writeAtomically(Path target, String text, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".filigrane-tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".filigrane-tmp");
        }
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            if (!secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException e) {
                    // not POSIX
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
