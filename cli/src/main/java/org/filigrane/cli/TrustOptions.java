package org.filigrane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.filigrane.engine.InvalidKeyFileException;
import org.filigrane.engine.IssuerKey;
import org.filigrane.engine.IssuerPublicKey;
import org.filigrane.engine.TrustedIssuers;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The issuers a verifying command trusts: {@code --public-key FILE} (repeatable), else the paths in
 * {@code FILIGRANE_PUBLIC_KEY} (colon-separated), else the public half of the private key when one is given
 * ({@code --key-file} / {@code FILIGRANE_KEY}).
 */
final class TrustOptions {
    @Option(names = "--public-key", paramLabel = "FILE",
            description = "trusted issuer's public key (PEM, e.g. issuer.pub); repeat for several issuers; default: "
                    + "FILIGRANE_PUBLIC_KEY (paths separated by ':'), else the public half of --key-file/FILIGRANE_KEY")
    List<Path> publicKeys = new ArrayList<>();

    @Mixin
    KeyOptions keys = new KeyOptions();

    /** The private key when one was given (for layer D detection), else null. */
    IssuerKey privateKeyIfGiven(PrintWriter err) {
        return keys.given() ? keys.key(err) : null;
    }

    TrustedIssuers trusted(PrintWriter err) {
        List<Path> files = new ArrayList<>(publicKeys);
        if (files.isEmpty()) {
            String env = Main.env.apply("FILIGRANE_PUBLIC_KEY");
            if (env != null && !env.isBlank()) {
                for (String p : env.split(":")) {
                    if (!p.isBlank()) {
                        files.add(Path.of(p.strip()));
                    }
                }
            }
        }
        if (files.isEmpty()) {
            if (!keys.given()) {
                throw new KeyOptions.KeyException("no trusted issuer: pass --public-key FILE (the issuer's .pub), "
                        + "set FILIGRANE_PUBLIC_KEY, or give the private key (--key-file/FILIGRANE_KEY)");
            }
            return TrustedIssuers.of(keys.key(err).publicKey());
        }
        List<IssuerPublicKey> list = new ArrayList<>();
        for (Path f : files) {
            try {
                list.add(IssuerPublicKey.fromFile(f));
            } catch (NoSuchFileException e) {
                throw new KeyOptions.KeyException("public key file " + f + " does not exist");
            } catch (InvalidKeyFileException e) {
                throw new KeyOptions.KeyException(e.getMessage());
            } catch (IOException e) {
                throw new KeyOptions.KeyException("cannot read public key file " + f + ": " + e.getMessage());
            }
        }
        return TrustedIssuers.of(list);
    }
}
