package org.filigrane.opencl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.filigrane.engine.Volume;
import org.filigrane.engine.spi.Backend;
import org.filigrane.engine.spi.BlockGrid;
import org.filigrane.engine.spi.CellCode;
import org.filigrane.engine.spi.Checksums;
import org.filigrane.opencl.BufferPool.Slot;

/**
 * Layer T on the device (BlockKernels.cl) for a batch of slices {@code from .. to-1}; results go to index
 * {@code s - base} of the caller's arrays, {@code base} being the first slice of the whole SPI call.
 */
final class BlockKernels {
    private static final int PREFERRED_GROUP = 64;

    private final ClSession session;
    private final ClProgram program;
    private final int group;
    private final ClBuffer crcTable;

    BlockKernels(ClSession session) {
        this.session = session;
        Map<String, Object> defines = new LinkedHashMap<>();
        defines.put("BLOCK_PEAK", Backend.BLOCK_PEAK);
        this.program = session.program(BlockKernels.class, defines, "Predictor.cl", "BlockKernels.cl");
        long limit = Math.min(session.workGroupLimit(program.kernel("embed_blocks")),
                session.workGroupLimit(program.kernel("extract_blocks")));
        this.group = ShiftKernels.powerOfTwoAtMost(Math.min(PREFERRED_GROUP, limit));
        // The cell codes' seeds are CRC-16s of the block index. crc16 from a zero register is the table entry itself,
        // so the device gets exactly the engine's table.
        short[] table = new short[256];
        for (int i = 0; i < 256; i++) {
            table[i] = (short) Checksums.crc16(0, i);
        }
        this.crcTable = session.write(Slot.CRC_TABLE, table);
    }

    private long[] global(int items, int slices) {
        return new long[] {ClSession.padded(items, group), slices};
    }

    private long[] local() {
        return new long[] {group, 1};
    }

    void codes(Volume v, int from, int to, int base, BlockGrid g, int[][] codes) {
        int n = to - from;
        int count = g.blockCount();
        ClBuffer px = session.upload(v, from, to);
        ClBuffer out = session.buffer(Slot.RESULTS, 4L * n * count);
        session.run(program.kernel("block_codes"), global(count, n), local(), px, v.rows(), v.columns(),
                g.blockSize(), g.blocksAcross(), count, g.sumFactor(), ShiftKernels.signed(v),
                CellCode.powerOfA(g.blockSize()), CellCode.powerOfA((g.blockSize() + 1) / 2), crcTable, out);
        int[] got = new int[n * count];
        session.read(out, got, got.length);
        for (int s = 0; s < n; s++) {
            System.arraycopy(got, s * count, codes[from + s - base], 0, count);
        }
    }

    /** Column codes over slices {@code from .. to-1}, resuming from and updating {@code state}. */
    void columnCodes(Volume v, int from, int to, BlockGrid g, int[] state) {
        int count = g.columnCount();
        ClBuffer px = session.upload(v, from, to);
        ClBuffer crc = session.write(Slot.RESULTS, state, 0, count);
        session.run(program.kernel("column_codes"), new long[] {ClSession.padded(count, group), 1}, local(), px,
                to - from, v.rows(), v.columns(), g.columnSize(), g.columnsAcross(), count,
                CellCode.powerOfA(g.columnSize()), CellCode.powerOfA(g.columnSize() * g.columnSize()), crc);
        session.read(crc, state, count);
    }

    void embed(Volume v, int from, int to, int base, BlockGrid g, int bitsPerBlock, long[][] bits, int[][] carried) {
        int n = to - from;
        int count = g.blockCount();
        long[] packed = new long[n * count];
        for (int s = 0; s < n; s++) {
            System.arraycopy(bits[from + s - base], 0, packed, s * count, count);
        }
        ClBuffer px = session.upload(v, from, to);
        ClBuffer words = session.write(Slot.BITS, packed, 0, packed.length);
        ClBuffer counts = session.buffer(Slot.CARRIED, 8L * n * count);
        session.run(program.kernel("embed_blocks"), global(count, n), local(), px, v.rows(), v.columns(),
                g.blockSize(), g.blocksAcross(), count, bitsPerBlock, g.threshold(), ShiftKernels.signed(v), words,
                counts);
        session.download(v, from, to);
        readCarried(counts, n, count, from - base, carried);
    }

    void extract(Volume v, int from, int to, int base, BlockGrid g, int bitsPerBlock, long[][] bitsOut,
            int[][] carried) {
        int n = to - from;
        int count = g.blockCount();
        ClBuffer px = session.upload(v, from, to);
        ClBuffer words = session.buffer(Slot.BITS, 8L * n * count);
        ClBuffer counts = session.buffer(Slot.CARRIED, 8L * n * count);
        session.run(program.kernel("extract_blocks"), global(count, n), local(), px, v.rows(), v.columns(),
                g.blockSize(), g.blocksAcross(), count, bitsPerBlock, g.threshold(), ShiftKernels.signed(v), words,
                counts);
        session.download(v, from, to);
        long[] got = new long[n * count];
        session.read(words, got, got.length);
        for (int s = 0; s < n; s++) {
            System.arraycopy(got, s * count, bitsOut[from + s - base], 0, count);
        }
        readCarried(counts, n, count, from - base, carried);
    }

    private void readCarried(ClBuffer counts, int n, int count, int first, int[][] carried) {
        int[] got = new int[2 * n * count];
        session.read(counts, got, got.length);
        for (int s = 0; s < n; s++) {
            System.arraycopy(got, 2 * s * count, carried[first + s], 0, 2 * count);
        }
    }
}
