package org.filigrane.router;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Orthanc (Debian package {@code orthanc}) on free ports with a generated configuration, started and stopped
 * (by PID) by the test. It knows the router's AE title as a modality (so the router may C-FIND it) and runs a Lua
 * filter that logs every instance it receives: the count of receptions per SOP Instance UID is read from that log,
 * independently of Orthanc's own de-duplication by UID.
 */
final class OrthancServer implements AutoCloseable {
    final int httpPort;
    final int dicomPort;
    final String aeTitle = "ORTHANC";
    private final Path dir;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    OrthancServer(Path dir, String routerAe, int routerPort) throws IOException, InterruptedException {
        this.dir = dir;
        this.httpPort = freePort();
        this.dicomPort = freePort();
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("count.lua"), """
                function ReceivedInstanceFilter(dicom, origin, info)
                  print('FILIGRANE-RECEIVED ' .. dicom.SOPInstanceUID)
                  return true
                end
                """);
        Files.writeString(dir.resolve("orthanc.json"), """
                { "Name": "filigrane-test", "StorageDirectory": "%1$s/db", "IndexDirectory": "%1$s/db",
                  "HttpPort": %2$d, "DicomPort": %3$d, "DicomAet": "ORTHANC", "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false, "LuaScripts": ["%1$s/count.lua"], "StableAge": 1,
                  "DicomModalities": { "router": ["%4$s", "127.0.0.1", %5$d] } }
                """.formatted(dir, httpPort, dicomPort, routerAe, routerPort));
        ProcessBuilder pb = new ProcessBuilder("Orthanc", dir.resolve("orthanc.json").toString(),
                "--logfile=" + dir.resolve("orthanc.log")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.out").toFile());
        // dcmtk (inside Orthanc) leaves Nagle's algorithm on unless told: with it, each small C-STORE response
        // waits for a delayed ACK (40 ms on Linux), which would make Orthanc, not the router, the bottleneck.
        pb.environment().put("TCP_NODELAY", "1");
        process = pb.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                get("/system");
                break;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("Orthanc did not start: " + Files.readString(dir.resolve("orthanc.out")));
                }
                Thread.sleep(100);
            }
        }
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/Orthanc")) || Files.isExecutable(Path.of("/usr/bin/Orthanc"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    byte[] getBytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    /** Orthanc's ID of the series with this Series Instance UID, or null. */
    String seriesId(String seriesUid) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/tools/lookup")).POST(HttpRequest.BodyPublishers.ofString(seriesUid)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"[^}]*\"Type\"\\s*:\\s*\"Series\"").matcher(r.body());
        return m.find() ? m.group(1) : null;
    }

    static List<String> ids(String jsonArray) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([0-9a-f-]{20,})\"").matcher(jsonArray);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    int instanceCount() throws IOException, InterruptedException {
        return ids(get("/instances")).size();
    }

    /** Orthanc series IDs whose Series Instance UID tag or ID we know nothing of: all of them. */
    List<String> series() throws IOException, InterruptedException {
        return ids(get("/series"));
    }

    String seriesUid(String seriesId) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"SeriesInstanceUID\"\\s*:\\s*\"([^\"]+)\"").matcher(get("/series/"
                + seriesId));
        return m.find() ? m.group(1) : null;
    }

    /** Orthanc IDs of the instances of a series. */
    List<String> instancesOf(String seriesId) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"Instances\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(get("/series/" + seriesId));
        return m.find() ? ids(m.group(1)) : List.of();
    }

    /** Downloads every instance of the series into {@code into}; returns the files. */
    List<Path> download(String seriesId, Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        List<Path> files = new ArrayList<>();
        for (String id : instancesOf(seriesId)) {
            Path f = into.resolve(id + ".dcm");
            Files.write(f, getBytes("/instances/" + id + "/file"));
            files.add(f);
        }
        return files;
    }

    /** How many times each SOP Instance UID was received over DICOM (from the Lua filter's log lines). */
    Map<String, Integer> receptions() throws IOException {
        Map<String, Integer> m = new HashMap<>();
        Path log = dir.resolve("orthanc.log");
        if (!Files.exists(log)) {
            return m;
        }
        Matcher x = Pattern.compile("FILIGRANE-RECEIVED (\\S+)").matcher(Files.readString(log,
                StandardCharsets.ISO_8859_1));
        while (x.find()) {
            m.merge(x.group(1), 1, Integer::sum);
        }
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
