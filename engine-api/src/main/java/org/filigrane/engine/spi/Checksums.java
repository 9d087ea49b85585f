package org.filigrane.engine.spi;

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), table-driven, MSB-first: layer R's header check and the seeds of
 * layer T's cell codes ({@link CellCode#seed}). Public so that backends feed exactly the same table.
 */
public final class Checksums {
    public static final int CRC16_INIT = 0xFFFF;

    private static final int[] CRC16_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 8;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            CRC16_TABLE[i] = c & 0xFFFF;
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
}
