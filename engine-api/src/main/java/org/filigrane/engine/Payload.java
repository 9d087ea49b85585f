package org.filigrane.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bytes layer R carries (FORMAT.md, "payload"): recipient, message, key id, layer flags, a truncated SHA-256 of
 * every slice, the SHA-256 over the volume's shape and slice hashes, and an HMAC-SHA256 over all of it, truncated
 * to 128 bits (RFC 2104 allows half the hash length; the 16 bytes saved matter on thin volumes).
 */
record Payload(String recipient, String message, byte[] keyId, int flags, int[] sliceHashes, byte[] volumeHash,
        byte[] mac) {
    static final int VERSION = 1;
    static final int MAC_BYTES = 16;

    /** Per-slice SHA-256 (all cores), over each sample's 16 bits, little-endian. */
    static byte[][] sliceDigests(Volume v) {
        byte[][] out = new byte[v.slices()][];
        int bytes = v.rows() * v.columns() * 2;
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(
                () -> ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN));
        IntStream.range(0, v.slices()).parallel().forEach(s -> {
            ByteBuffer buffer = buffers.get().clear();
            buffer.asShortBuffer().put(v.slice(s));
            MessageDigest md = sha256();
            md.update(buffer);
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

    static Payload create(Volume input, String recipient, String message, byte[] keyId, int flags, byte[] macKey) {
        byte[][] digests = sliceDigests(input);
        int[] truncated = new int[digests.length];
        for (int s = 0; s < digests.length; s++) {
            truncated[s] = truncate(digests[s]);
        }
        Payload unsigned = new Payload(recipient, message, keyId, flags, truncated, volumeHash(input, digests),
                new byte[MAC_BYTES]);
        return new Payload(recipient, message, keyId, flags, truncated, unsigned.volumeHash,
                hmac(macKey, unsigned.signedPart()));
    }

    boolean macValid(byte[] macKey) {
        return MessageDigest.isEqual(mac, hmac(macKey, signedPart()));
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(signedPart());
        out.writeBytes(mac);
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
            byte[] mac = readN(in, MAC_BYTES);
            if (in.available() != 0) {
                throw new MalformedWatermarkException("trailing payload bytes");
            }
            return new Payload(recipient, message, keyId, flags, hashes, volumeHash, mac);
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
                + message.getBytes(StandardCharsets.UTF_8).length + 8 + 1 + 4 + 4 * slices + 32 + MAC_BYTES;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(data), MAC_BYTES);
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
