package org.filigrane.router;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** dcmtk's storescu and echoscu as the senders a hospital would use. */
final class Dcmtk {
    private Dcmtk() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/storescu")) && Files.isExecutable(Path.of("/usr/bin/echoscu"));
    }

    /** What storescu did: exit code, its verbose output, the files whose C-STORE got a Success response. */
    record Sent(int exitCode, String output, Set<String> acknowledged) {
    }

    static Process startStore(String callingAe, String calledAe, int port, List<Path> files, Path output,
            String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAe, "-aec", calledAe));
        cmd.addAll(List.of(options));
        cmd.add("127.0.0.1");
        cmd.add(Integer.toString(port));
        for (Path f : files) {
            cmd.add(f.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("TCP_NODELAY", "1"); // as a PACS tuned for throughput sends (see OrthancServer)
        return pb.start();
    }

    static Sent store(String callingAe, String calledAe, int port, List<Path> files, Path output, String... options)
            throws IOException, InterruptedException {
        Process p = startStore(callingAe, calledAe, port, files, output, options);
        int code = p.waitFor();
        return read(code, output);
    }

    /** Pairs each "Sending file" line with the response that follows it. */
    static Sent read(int code, Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.ISO_8859_1);
        Set<String> ok = new LinkedHashSet<>();
        String current = null;
        for (String line : text.split("\n")) {
            if (line.contains("Sending file: ")) {
                current = line.substring(line.indexOf("Sending file: ") + 14).strip();
            } else if (line.contains("Received Store Response") && current != null) {
                if (line.contains("(Success)")) {
                    ok.add(current);
                }
                current = null;
            }
        }
        return new Sent(code, text, ok);
    }

    static int echo(String callingAe, String calledAe, int port) throws IOException, InterruptedException {
        return new ProcessBuilder("echoscu", "-aet", callingAe, "-aec", calledAe, "127.0.0.1", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }
}
