package org.filigrane.cli;

import java.nio.file.Path;
import org.filigrane.dicom.OutputPlan;
import picocli.CommandLine.Option;

/** Where a command that writes DICOM files puts them. */
final class OutputOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (file names kept)")
    Path output;

    @Option(names = "--in-place", description = "replace the input files themselves (atomically)")
    boolean inPlace;

    @Option(names = "--force", description = "replace existing files in the output directory")
    boolean force;

    OutputPlan plan() {
        if (output == null && !inPlace) {
            throw new Main.UsageException("say where to write: --output DIR (or --in-place)");
        }
        return new OutputPlan(output, inPlace, force);
    }
}
