package org.filigrane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
        return IssuerKey.of(secret(err));
    }

    /**
     * The issuer's private key, read and checked now (every {@link KeyException} and warning of {@link #key} comes
     * from this call, before the command goes on) and derived on another thread: the HKDF and the Ed25519 pair
     * (a twentieth of a one-shot embed's critical path) run beside the reading of the inputs.
     */
    Pending keyInBackground(PrintWriter err) {
        return new Pending(secret(err));
    }

    /** The secret bytes of the key (option or environment), checked; see {@link #key}. */
    private byte[] secret(PrintWriter err) {
        if (keyFile != null) {
            return secretFromFile(keyFile, err);
        }
        String hex = Main.env.apply("FILIGRANE_KEY");
        if (hex == null || hex.isBlank()) {
            throw new KeyException("no issuer key: pass --key-file FILE or set FILIGRANE_KEY (hex); make one with "
                    + "'filigrane keygen -o issuer.key'");
        }
        try {
            return IssuerKey.secretFromHex(hex, "FILIGRANE_KEY");
        } catch (IllegalArgumentException e) {
            throw new KeyException(e.getMessage());
        }
    }

    /**
     * Reads a private key file strictly (malformed hex is an error, never another key); a file that group or others
     * may read is used with a one-line warning.
     */
    static IssuerKey fromFile(Path file, PrintWriter err) {
        return IssuerKey.of(secretFromFile(file, err));
    }

    /** The checked secret bytes of a private key file; see {@link #fromFile}. */
    private static byte[] secretFromFile(Path file, PrintWriter err) {
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
        byte[] key;
        try {
            key = IssuerKey.secretFromHex(text, "key file " + file);
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

    /**
     * A key being derived on a daemon thread of its own from a checked secret. {@link #get} waits for it and throws
     * what the derivation threw, as the same call on the calling thread would have; a command that fails before
     * asking for it (bad input) exits without waiting.
     */
    static final class Pending {
        private final FutureTask<IssuerKey> task;

        Pending(byte[] secret) {
            task = new FutureTask<>(() -> IssuerKey.of(secret));
            Thread t = new Thread(task, "issuer-key");
            t.setDaemon(true);
            t.start();
        }

        IssuerKey get() {
            try {
                return task.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while deriving the issuer key", e);
            }
        }
    }

    /** A missing, unreadable or malformed key: exit code 2, one line. */
    static final class KeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyException(String message) {
            super(message);
        }
    }
}
