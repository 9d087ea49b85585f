package org.filigrane.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes an entry's hash and signature cover (docs/LEDGER.md): a domain string, the sequence number, the previous
 * entry's hash and every field of the record, each length-prefixed so that no two different entries share bytes.
 *
 * <pre>
 * "filigrane/ledger-entry/v1" 0x00
 * seq (8 bytes, big-endian) | previous hash (32 bytes)
 * time: epoch seconds (8) | nanoseconds (4)
 * issuerKeyId, recipient: string
 * robustId: 0x00, or 0x01 and 8 bytes
 * originalSeriesUid, newSeriesUid: string
 * originalSopUids, newSopUids: count (4) then each string
 * originalPixelSha256, payloadSha256: 32 bytes each
 * string = UTF-8 length (4 bytes, big-endian) | UTF-8 bytes
 * </pre>
 *
 * The hash is SHA-256 of these bytes; the signature is the issuer's {@code sign("ledger/v1", bytes)}. Signing the
 * sequence number and the link as well as the record means that deleting or reordering entries and then re-hashing
 * the rest of the chain still breaks every signature after the cut.
 */
final class Canonical {
    static final String SIGNING_CONTEXT = "ledger/v1";
    static final String GENESIS = "0".repeat(64);
    private static final byte[] DOMAIN = "filigrane/ledger-entry/v1\0".getBytes(StandardCharsets.US_ASCII);

    private Canonical() {
    }

    static byte[] entryBytes(long seq, String prevHashHex, IssueRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.writeBytes(DOMAIN);
        out.writeBytes(ByteBuffer.allocate(8).putLong(seq).array());
        out.writeBytes(hash32(prevHashHex));
        out.writeBytes(ByteBuffer.allocate(12).putLong(r.time().getEpochSecond()).putInt(r.time().getNano()).array());
        string(out, r.issuerKeyId());
        string(out, r.recipient());
        if (r.robustId() == null) {
            out.write(0);
        } else {
            out.write(1);
            out.writeBytes(ByteBuffer.allocate(8).putLong(r.robustId()).array());
        }
        string(out, r.originalSeriesUid());
        string(out, r.newSeriesUid());
        list(out, r.originalSopUids());
        list(out, r.newSopUids());
        out.writeBytes(hash32(r.originalPixelSha256Hex()));
        out.writeBytes(hash32(r.payloadSha256Hex()));
        return out.toByteArray();
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hash32(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("a hash is 64 hex digits, got " + hex);
        }
        return HexFormat.of().parseHex(hex);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
    }

    private static void list(ByteArrayOutputStream out, List<String> values) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(values.size()).array());
        for (String v : values) {
            string(out, v);
        }
    }
}
