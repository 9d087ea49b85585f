package org.filigrane.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Inputs and series selection, shared by the commands that read a series. */
final class InputOptions {
    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "DICOM files, directories (searched recursively) or @list.txt files naming one path a line")
    List<Path> inputs;

    @Option(names = "--series", paramLabel = "UID",
            description = "Series Instance UID (or a unique prefix) to use when the inputs hold several")
    String series;

    @Option(names = "--allow-gaps", description = "go on with a series whose slice positions leave a gap")
    boolean allowGaps;
}
