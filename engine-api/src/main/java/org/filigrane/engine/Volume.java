package org.filigrane.engine;

import java.util.Objects;

/**
 * A stack of {@code slices} images of {@code rows x columns} samples in one {@link PixelFormat}. Each slice is a
 * contiguous row-major {@code short[]} so that SIMD loops and OpenCL buffers take it without per-pixel copying.
 *
 * <p>{@link #slice(int)} hands out the backing array: the engine never changes a caller's volume (it works on a
 * {@link #copy()}), and callers that share a volume between threads must not write to it meanwhile.
 */
public final class Volume {
    private final int rows;
    private final int columns;
    private final PixelFormat format;
    private final short[][] data;

    private Volume(int rows, int columns, PixelFormat format, short[][] data) {
        this.rows = rows;
        this.columns = columns;
        this.format = format;
        this.data = data;
    }

    /** A zero-filled volume. Zero is inside every stored range. */
    public static Volume allocate(int slices, int rows, int columns, PixelFormat format) {
        checkShape(slices, rows, columns);
        Objects.requireNonNull(format, "format");
        short[][] data = new short[slices][rows * columns];
        return new Volume(rows, columns, format, data);
    }

    /**
     * Wraps existing slice arrays without copying. Every array must hold exactly {@code rows * columns} samples and
     * every sample must lie in the stored range of {@code format}; both are checked here.
     */
    public static Volume wrap(int rows, int columns, PixelFormat format, short[][] slices) {
        Objects.requireNonNull(slices, "slices");
        Objects.requireNonNull(format, "format");
        checkShape(slices.length, rows, columns);
        int n = rows * columns;
        for (int s = 0; s < slices.length; s++) {
            if (slices[s] == null || slices[s].length != n) {
                throw new IllegalArgumentException("slice " + s + " must hold " + n + " samples");
            }
        }
        Volume v = new Volume(rows, columns, format, slices.clone());
        v.checkRange();
        return v;
    }

    private static void checkShape(int slices, int rows, int columns) {
        if (slices < 1 || rows < 1 || columns < 1) {
            throw new IllegalArgumentException(
                    "a volume needs at least one slice, row and column: " + slices + "x" + rows + "x" + columns);
        }
        if ((long) rows * columns > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("slice too large: " + rows + "x" + columns);
        }
    }

    /** Throws if a sample lies outside the stored range, naming the first one. */
    public void checkRange() {
        int[] range = valueRange();
        if (format.inRange(range[0]) && format.inRange(range[1])) {
            return;
        }
        for (int s = 0; s < data.length; s++) {
            short[] slice = data[s];
            for (int i = 0; i < slice.length; i++) {
                int v = format.value(slice[i]);
                if (!format.inRange(v)) {
                    throw new IllegalArgumentException("sample " + v + " at slice " + s + ", row " + (i / columns)
                            + ", column " + (i % columns) + " is outside the stored range [" + format.min() + ", "
                            + format.max() + "] of " + format);
                }
            }
        }
    }

    /** Smallest and largest sample value, {min, max}; slices are scanned in parallel. */
    public int[] valueRange() {
        int[][] perSlice = new int[data.length][];
        java.util.stream.IntStream.range(0, data.length).parallel().forEach(s -> perSlice[s] = sliceRange(data[s]));
        int[] range = {Integer.MAX_VALUE, Integer.MIN_VALUE};
        for (int[] r : perSlice) {
            range[0] = Math.min(range[0], r[0]);
            range[1] = Math.max(range[1], r[1]);
        }
        return range;
    }

    private int[] sliceRange(short[] slice) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        // Two loops without branches on the format, so the JIT can vectorise them.
        if (format.signed()) {
            for (short x : slice) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        } else {
            for (short x : slice) {
                min = Math.min(min, x & 0xFFFF);
                max = Math.max(max, x & 0xFFFF);
            }
        }
        return new int[] {min, max};
    }

    public int slices() {
        return data.length;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public PixelFormat format() {
        return format;
    }

    public long pixelCount() {
        return (long) data.length * rows * columns;
    }

    /** The backing array of slice {@code s} (row-major), not a copy. */
    public short[] slice(int s) {
        return data[s];
    }

    public int get(int slice, int row, int column) {
        return format.value(data[slice][row * columns + column]);
    }

    public void set(int slice, int row, int column, int value) {
        if (!format.inRange(value)) {
            throw new IllegalArgumentException(value + " is outside the stored range of " + format);
        }
        data[slice][row * columns + column] = format.store(value);
    }

    /**
     * The volume hash of docs/FORMAT.md ("payload"): SHA-256 over the shape, the pixel format and the SHA-256 of every
     * slice's 16-bit samples, little-endian; what layer R's payload signs for the volume it was embedded into.
     * Slices are hashed on all cores.
     */
    public byte[] sha256() {
        return Payload.volumeHash(this, Payload.sliceDigests(this));
    }

    /** A deep copy; slices are copied on all cores. */
    public Volume copy() {
        short[][] copy = new short[data.length][];
        java.util.stream.IntStream.range(0, data.length).parallel().forEach(s -> copy[s] = data[s].clone());
        return new Volume(rows, columns, format, copy);
    }

    /** A volume made of some of this one's slices, in the given order, sharing their arrays. */
    public Volume withSlices(int... order) {
        if (order.length == 0) {
            throw new IllegalArgumentException("a volume needs at least one slice");
        }
        short[][] picked = new short[order.length][];
        for (int i = 0; i < order.length; i++) {
            picked[i] = data[order[i]];
        }
        return new Volume(rows, columns, format, picked);
    }

    /** True when shape, format and every sample are equal. */
    public boolean sameContent(Volume other) {
        if (other.rows != rows || other.columns != columns || other.data.length != data.length
                || !other.format.equals(format)) {
            return false;
        }
        for (int s = 0; s < data.length; s++) {
            if (!java.util.Arrays.equals(data[s], other.data[s])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Volume[" + data.length + "x" + rows + "x" + columns + ", " + format + "]";
    }
}
