// Layer D: the integer 8x8 DCT of org.filigrane.engine.reference.ReferenceDct (docs/FORMAT-D.md), one work-item per
// block. Sums are exact 64-bit integers, so the separable order here gives the reference's integers; the one
// rounding is (sum + 2^27) >> 28 with Java's flooring shift.

#define SHIFT 28

__constant int C[8][8] = {
    {5793, 5793, 5793, 5793, 5793, 5793, 5793, 5793},
    {8035, 6811, 4551, 1598, -1598, -4551, -6811, -8035},
    {7568, 3135, -3135, -7568, -7568, -3135, 3135, 7568},
    {6811, -1598, -8035, -4551, 4551, 8035, 1598, -6811},
    {5793, -5793, -5793, 5793, 5793, -5793, -5793, 5793},
    {4551, -8035, 1598, 6811, -6811, -1598, 8035, -4551},
    {3135, -7568, 7568, -3135, -3135, 7568, -7568, 3135},
    {1598, -4551, 6811, -8035, 8035, -6811, 4551, -1598},
};

// Java's >> on a negative long floors; OpenCL C leaves >> of a negative value implementation-defined.
inline long round_shift(long sum) {
    long v = sum + (1L << (SHIFT - 1));
    return v >= 0 ? v >> SHIFT : -((-v + (1L << SHIFT) - 1) >> SHIFT);
}

// Global (padded block count); px is the slice.
__kernel void dct_forward(__global const short* px, int cols, int origin_row, int origin_col, int across,
        int block_count, int is_signed, __global int* coefficients) {
    int b = get_global_id(0);
    if (b >= block_count) {
        return;
    }
    int corner = (origin_row + b / across * 8) * cols + origin_col + b % across * 8;
    long row_pass[64];
    for (int x = 0; x < 8; x++) {
        int value[8];
        for (int y = 0; y < 8; y++) {
            value[y] = sample_value(px[corner + x * cols + y], is_signed);
        }
        for (int f = 0; f < 8; f++) {
            long sum = 0;
            for (int y = 0; y < 8; y++) {
                sum += (long) C[f][y] * value[y];
            }
            row_pass[x * 8 + f] = sum;
        }
    }
    __global int* out = coefficients + (size_t) b * 64;
    for (int u = 0; u < 8; u++) {
        for (int f = 0; f < 8; f++) {
            long sum = 0;
            for (int x = 0; x < 8; x++) {
                sum += C[u][x] * row_pass[x * 8 + f];
            }
            out[u * 8 + f] = (int) round_shift(sum);
        }
    }
}

// Global (padded block count) over the grid at 0, 0; results are clamped to [min_value, max_value].
__kernel void dct_add_inverse(__global short* px, int cols, int across, int block_count, int is_signed,
        int min_value, int max_value, __global const int* delta) {
    int b = get_global_id(0);
    if (b >= block_count) {
        return;
    }
    __global const int* in = delta + (size_t) b * 64;
    long column_pass[64];
    for (int x = 0; x < 8; x++) {
        for (int f = 0; f < 8; f++) {
            long sum = 0;
            for (int u = 0; u < 8; u++) {
                sum += (long) C[u][x] * in[u * 8 + f];
            }
            column_pass[x * 8 + f] = sum;
        }
    }
    int corner = b / across * 8 * cols + b % across * 8;
    for (int x = 0; x < 8; x++) {
        for (int y = 0; y < 8; y++) {
            long sum = 0;
            for (int f = 0; f < 8; f++) {
                sum += C[f][y] * column_pass[x * 8 + f];
            }
            int i = corner + x * cols + y;
            long value = sample_value(px[i], is_signed) + round_shift(sum);
            px[i] = stored((int) clamp(value, (long) min_value, (long) max_value));
        }
    }
}
