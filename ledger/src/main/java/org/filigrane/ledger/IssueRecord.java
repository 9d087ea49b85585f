package org.filigrane.ledger;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What one issued watermark is. It holds no secret: everything in it is public or a one-way hash.
 *
 * @param time                  when the watermark was issued
 * @param issuerKeyId           the issuer's public key id ({@code IssuerPublicKey.keyId()}, 16 hex digits)
 * @param recipient             who received the copy
 * @param robustId              layer D's 64-bit recipient ID, or null when layer D was not embedded
 * @param originalSeriesUid     Series Instance UID of the input (may be empty when the input had none)
 * @param newSeriesUid          Series Instance UID of the watermarked copy: with the issuer, the record's identity
 * @param originalSopUids       SOP Instance UIDs of the input, in the series' object order
 * @param newSopUids            SOP Instance UIDs of the copy, in the same order
 * @param originalPixelSha256Hex SHA-256 of the original pixels (64 hex digits)
 * @param payloadSha256Hex      SHA-256 of what the watermark carries (64 hex digits)
 */
public record IssueRecord(Instant time, String issuerKeyId, String recipient, Long robustId,
        String originalSeriesUid, String newSeriesUid, List<String> originalSopUids,
        List<String> newSopUids, String originalPixelSha256Hex, String payloadSha256Hex) {

    public IssueRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(originalSeriesUid, "originalSeriesUid");
        originalSopUids = List.copyOf(originalSopUids);
        newSopUids = List.copyOf(newSopUids);
        if (issuerKeyId == null || !issuerKeyId.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("issuer key id must be 16 lower-case hex digits, got " + issuerKeyId);
        }
        if (newSeriesUid == null || newSeriesUid.isEmpty()) {
            throw new IllegalArgumentException("a record needs the new Series Instance UID");
        }
        for (String uid : originalSopUids) {
            uid(uid, "originalSopUids");
        }
        for (String uid : newSopUids) {
            uid(uid, "newSopUids");
        }
        originalPixelSha256Hex = sha256Hex(originalPixelSha256Hex, "originalPixelSha256Hex");
        payloadSha256Hex = sha256Hex(payloadSha256Hex, "payloadSha256Hex");
    }

    /** Lists are stored joined with a backslash, DICOM's value separator, which no UID contains. */
    private static void uid(String uid, String list) {
        if (uid == null || uid.isEmpty() || uid.indexOf('\\') >= 0) {
            throw new IllegalArgumentException(list + " holds an empty UID or one with a backslash: " + uid);
        }
    }

    private static String sha256Hex(String hex, String name) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(name + " must be 64 hex digits, got " + hex);
        }
        return hex.toLowerCase(java.util.Locale.ROOT);
    }

    /** {@link #robustId} as an unsigned decimal, or null. */
    public String robustIdText() {
        return robustId == null ? null : Long.toUnsignedString(robustId);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
