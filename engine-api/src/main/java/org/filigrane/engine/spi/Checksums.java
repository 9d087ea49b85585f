package org.filigrane.engine.spi;

/**
 * The CRCs of layer T, table-driven, MSB-first. CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) for block codes and
 * CRC-8 (poly 0x07, init 0x00) for column codes. Public so that backends feed exactly the same tables.
 */
public final class Checksums {
    public static final int CRC16_INIT = 0xFFFF;
    public static final int CRC8_INIT = 0x00;

    private static final int[] CRC16_TABLE = new int[256];
    private static final int[] CRC8_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 8;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            CRC16_TABLE[i] = c & 0xFFFF;
            int d = i;
            for (int k = 0; k < 8; k++) {
                d = (d & 0x80) != 0 ? (d << 1) ^ 0x07 : d << 1;
            }
            CRC8_TABLE[i] = d & 0xFF;
        }
    }

    private Checksums() {
    }

    public static int crc16(int crc, int octet) {
        return ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ octet) & 0xFF]) & 0xFFFF;
    }

    /** Feeds the 16 low bits of {@code value}, high byte first. */
    public static int crc16Short(int crc, int value) {
        return crc16(crc16(crc, value >>> 8), value);
    }

    /** Feeds the 32 bits of {@code value}, high byte first. */
    public static int crc16Int(int crc, int value) {
        return crc16Short(crc16Short(crc, value >>> 16), value);
    }

    public static int crc8(int crc, int octet) {
        return CRC8_TABLE[(crc ^ octet) & 0xFF];
    }

    /** Feeds the 64 bits of {@code value}, high byte first. */
    public static int crc8Long(int crc, long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            crc = crc8(crc, (int) (value >>> shift));
        }
        return crc;
    }
}
