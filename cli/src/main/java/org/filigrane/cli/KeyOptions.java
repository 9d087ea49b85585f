package org.filigrane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.filigrane.engine.InvalidKeyFileException;
import org.filigrane.engine.IssuerKey;
import picocli.CommandLine.Option;

/** The issuer's private key (embedding) and the backend. */
final class KeyOptions {
    @Option(names = "--key-file", paramLabel = "FILE",
            description = "issuer key file (hex, written by 'filigrane keygen'); default: the FILIGRANE_KEY "
                    + "environment variable (hex)")
    Path keyFile;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "auto, reference, vector or opencl (default: ${DEFAULT-VALUE})")
    String backend;

    /** True when a private key was given at all (option or environment). */
    boolean given() {
        String hex = Main.env.apply("FILIGRANE_KEY");
        return keyFile != null || hex != null && !hex.isBlank();
    }

    /** The issuer's private key; a missing or malformed key is a {@link KeyException} (exit 2). */
    IssuerKey key(PrintWriter err) {
        if (keyFile != null) {
            return fromFile(keyFile, err);
        }
        String hex = Main.env.apply("FILIGRANE_KEY");
        if (hex == null || hex.isBlank()) {
            throw new KeyException("no issuer key: pass --key-file FILE or set FILIGRANE_KEY (hex); make one with "
                    + "'filigrane keygen -o issuer.key'");
        }
        try {
            return IssuerKey.fromHex(hex, "FILIGRANE_KEY");
        } catch (IllegalArgumentException e) {
            throw new KeyException(e.getMessage());
        }
    }

    /**
     * Reads a private key file strictly (malformed hex is an error, never another key); a file that group or others
     * may read is used with a one-line warning.
     */
    static IssuerKey fromFile(Path file, PrintWriter err) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new KeyException("key file " + file + " does not exist");
        } catch (IOException e) {
            throw new KeyException("cannot read key file " + file + ": " + e.getMessage());
        }
        if (text.startsWith("-----BEGIN")) {
            throw new KeyException(file + " is a public key (PEM); embedding needs the private key file written by "
                    + "'filigrane keygen' (verify and restore take --public-key)");
        }
        IssuerKey key;
        try {
            key = IssuerKey.fromHex(text, "key file " + file);
        } catch (InvalidKeyFileException e) {
            throw new KeyException(e.getMessage());
        }
        try {
            if (!IssuerKey.ownerOnly(file)) {
                err.println("filigrane: warning: key file " + file + " is readable by group or others; run "
                        + "'chmod 600 " + file + "'");
            }
        } catch (IOException e) {
            // Permissions unreadable: the key itself was read, so go on.
        }
        return key;
    }

    /** A missing, unreadable or malformed key: exit code 2, one line. */
    static final class KeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyException(String message) {
            super(message);
        }
    }
}
