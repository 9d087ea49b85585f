package org.filigrane.router;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The stand-in ledger: one JSON line per issued watermark, appended and fsynced, idempotent by new Series Instance
 * UID and issuer. It is neither hash-chained nor signed; the ledger module replaces it (see {@link IssueRecorder}).
 */
final class IssueLogFile implements IssueRecorder {
    private final FileChannel channel;
    private final Set<String> seen = new HashSet<>();

    IssueLogFile(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                java.util.regex.Matcher key = java.util.regex.Pattern.compile(
                        "\"issuerKeyId\":\"([^\"]*)\".*\"newSeriesUid\":\"([^\"]*)\"").matcher(line);
                if (key.find()) {
                    seen.add(key.group(1) + "/" + key.group(2));
                }
            }
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void record(Issued i, org.filigrane.engine.IssuerKey issuer) throws IOException {
        if (!seen.add(i.issuerKeyId() + "/" + i.newSeriesUid())) {
            return;
        }
        Map<String, Object> m = Json.object();
        m.put("time", i.time().toString());
        m.put("issuerKeyId", i.issuerKeyId());
        m.put("recipient", i.recipient());
        m.put("robustId", i.robustId() == null ? null : Long.toUnsignedString(i.robustId()));
        m.put("originalSeriesUid", i.originalSeriesUid());
        m.put("newSeriesUid", i.newSeriesUid());
        m.put("originalSopUids", i.originalSopUids());
        m.put("newSopUids", i.newSopUids());
        m.put("originalPixelSha256", i.originalPixelSha256Hex());
        m.put("payloadSha256", i.payloadSha256Hex());
        ByteBuffer b = ByteBuffer.wrap((Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to write
        }
    }
}
