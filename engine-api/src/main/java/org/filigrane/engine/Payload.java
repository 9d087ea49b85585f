package org.filigrane.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.IntStream;

/**
 * The bytes layer R carries (FORMAT.md, "payload"): recipient, message, the issuer's key id, layer flags, a
 * truncated SHA-256 of every slice, the SHA-256 over the volume's shape and slice hashes, and the issuer's Ed25519
 * signature over all of it. A verifier needs only the issuer's public key, so it can check but never forge.
 */
record Payload(String recipient, String message, byte[] keyId, int flags, int[] sliceHashes, byte[] volumeHash,
        byte[] signature) {
    static final int VERSION = 2;
    static final int SIGNATURE_BYTES = 64;
    /** Signed before the payload bytes, so that no other Filigrane signature can be taken for a payload's. */
    private static final byte[] DOMAIN = "filigrane/payload/v2\0".getBytes(StandardCharsets.US_ASCII);

    /** Samples converted to bytes at a time: 16 KiB, so the bytes the digest reads are still in L1. */
    private static final int CHUNK = 8192;

    /**
     * Per-slice SHA-256 (all cores), over each sample's 16 bits, little-endian. The samples are converted in
     * chunks that stay in L1: converting a whole slice first would write and read it once more through L2.
     */
    static byte[][] sliceDigests(Volume v) {
        byte[][] out = new byte[v.slices()][];
        int samples = v.rows() * v.columns();
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(
                () -> ByteBuffer.allocate(2 * Math.min(CHUNK, samples)).order(ByteOrder.LITTLE_ENDIAN));
        IntStream.range(0, v.slices()).parallel().forEach(s -> {
            ByteBuffer buffer = buffers.get();
            ShortBuffer shorts = buffer.clear().asShortBuffer();
            short[] slice = v.slice(s);
            MessageDigest md = sha256();
            for (int i = 0; i < samples; i += CHUNK) {
                int n = Math.min(CHUNK, samples - i);
                shorts.clear();
                shorts.put(slice, i, n);
                md.update(buffer.array(), 0, 2 * n);
            }
            out[s] = md.digest();
        });
        return out;
    }

    static int truncate(byte[] digest) {
        return (digest[0] & 0xFF) << 24 | (digest[1] & 0xFF) << 16 | (digest[2] & 0xFF) << 8 | (digest[3] & 0xFF);
    }

    static byte[] volumeHash(Volume v, byte[][] slices) {
        MessageDigest md = sha256();
        md.update(intBytes(v.slices()));
        md.update(intBytes(v.rows()));
        md.update(intBytes(v.columns()));
        PixelFormat f = v.format();
        md.update(new byte[] {(byte) f.bitsAllocated(), (byte) f.bitsStored(), (byte) (f.signed() ? 1 : 0)});
        for (byte[] s : slices) {
            md.update(s);
        }
        return md.digest();
    }

    static Payload create(Volume input, String recipient, String message, IssuerKey issuer, int flags) {
        byte[][] digests = sliceDigests(input);
        int[] truncated = new int[digests.length];
        for (int s = 0; s < digests.length; s++) {
            truncated[s] = truncate(digests[s]);
        }
        byte[] keyId = HexFormat.of().parseHex(issuer.keyId());
        Payload unsigned = new Payload(recipient, message, keyId, flags, truncated, volumeHash(input, digests),
                new byte[SIGNATURE_BYTES]);
        return new Payload(recipient, message, keyId, flags, truncated, unsigned.volumeHash,
                issuer.sign(unsigned.signedData()));
    }

    /** The issuer's key id, in hex, as {@link IssuerPublicKey#keyId()} gives it. */
    String issuerKeyId() {
        return HexFormat.of().formatHex(keyId);
    }

    /** True when {@code issuer} signed exactly these bytes. */
    boolean signedBy(IssuerPublicKey issuer) {
        return issuer.keyId().equals(issuerKeyId()) && issuer.verify(signedData(), signature);
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(signedPart());
        out.writeBytes(signature);
        return out.toByteArray();
    }

    private byte[] signedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(DOMAIN);
        out.writeBytes(signedPart());
        return out.toByteArray();
    }

    private byte[] signedPart() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            byte[] r = recipient.getBytes(StandardCharsets.UTF_8);
            out.writeShort(r.length);
            out.write(r);
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            out.writeInt(m.length);
            out.write(m);
            out.write(keyId);
            out.writeByte(flags);
            out.writeInt(sliceHashes.length);
            for (int h : sliceHashes) {
                out.writeInt(h);
            }
            out.write(volumeHash);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Payload parse(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data));
            if (in.readUnsignedByte() != VERSION) {
                throw new MalformedWatermarkException("unknown payload version");
            }
            String recipient = new String(readN(in, in.readUnsignedShort()), StandardCharsets.UTF_8);
            String message = new String(readN(in, in.readInt()), StandardCharsets.UTF_8);
            byte[] keyId = readN(in, 8);
            int flags = in.readUnsignedByte();
            int slices = in.readInt();
            if (slices < 1 || slices > data.length / 4) {
                throw new MalformedWatermarkException("implausible slice count " + slices);
            }
            int[] hashes = new int[slices];
            for (int s = 0; s < slices; s++) {
                hashes[s] = in.readInt();
            }
            byte[] volumeHash = readN(in, 32);
            byte[] signature = readN(in, SIGNATURE_BYTES);
            if (in.available() != 0) {
                throw new MalformedWatermarkException("trailing payload bytes");
            }
            return new Payload(recipient, message, keyId, flags, hashes, volumeHash, signature);
        } catch (IOException e) {
            throw new MalformedWatermarkException("payload truncated");
        }
    }

    private static byte[] readN(DataInputStream in, int n) throws IOException {
        if (n < 0 || n > in.available()) {
            throw new MalformedWatermarkException("payload field length " + n + " out of bounds");
        }
        return in.readNBytes(n);
    }

    /** Size of the serialized payload for a given recipient, message and slice count. */
    static int size(String recipient, String message, int slices) {
        return 1 + 2 + recipient.getBytes(StandardCharsets.UTF_8).length + 4
                + message.getBytes(StandardCharsets.UTF_8).length + 8 + 1 + 4 + 4 * slices + 32 + SIGNATURE_BYTES;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p && Arrays.equals(toBytes(), p.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
