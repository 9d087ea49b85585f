package org.filigrane.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.filigrane.engine.IssuerKey;
import picocli.CommandLine.Option;

/** Key and backend options of the commands that embed. */
final class EngineOptions {
    @Option(names = "--key-file", paramLabel = "FILE",
            description = "master key file (hex or raw bytes); default: the FILIGRANE_KEY environment variable (hex)")
    Path keyFile;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "auto, reference, vector or opencl (default: ${DEFAULT-VALUE})")
    String backend;

    IssuerKey key() throws IOException {
        if (keyFile != null) {
            return IssuerKey.fromFile(keyFile);
        }
        String hex = Main.env.apply("FILIGRANE_KEY");
        if (hex == null || hex.isBlank()) {
            throw new Main.UsageException("no key: pass --key-file FILE or set FILIGRANE_KEY (hex); make one with "
                    + "'filigrane keygen -o FILE'");
        }
        try {
            return IssuerKey.fromHex(hex, "FILIGRANE_KEY");
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }

}
