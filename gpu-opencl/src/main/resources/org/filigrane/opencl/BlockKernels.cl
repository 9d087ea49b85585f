// Layer T: one work-item per block (or column cell) of every slice of a batch. A block is small (18x18 by
// default) and its two passes depend on each other, so each work-item runs the reference's serial loop over its
// own block; blocks never read each other's pixels. Defines: BLOCK_PEAK, WG (local size, global sizes are padded).

#define SLICE_BASE(s) ((size_t) (s) * (size_t) rows * (size_t) cols)

inline uint crc16(__constant ushort* table, uint crc, uint octet) {
    return ((crc << 8) ^ table[((crc >> 8) ^ octet) & 0xFF]) & 0xFFFF;
}

inline uint crc16_short(__constant ushort* table, uint crc, uint value) {
    return crc16(table, crc16(table, crc, value >> 8), value);
}

inline uint crc16_int(__constant ushort* table, uint crc, uint value) {
    return crc16_short(table, crc16_short(table, crc, value >> 16), value);
}

// Cell codes (FORMAT.md, "Cell codes"): GF(2^16) modulo a^16 + a^12 + a^3 + a + 1, CELL_POLY = 0x100B.
#define CELL_POLY 0x100Bu

inline uint times_a(uint c) {
    return ((c << 1) ^ ((c >> 15) * CELL_POLY)) & 0xFFFFu;
}

// x * y in the field, by shifts (no tables on the device).
inline uint gf_mul(uint x, uint y) {
    uint p = 0;
    for (int i = 15; i >= 0; i--) {
        p = times_a(p);
        if ((y >> i) & 1u) {
            p ^= x;
        }
    }
    return p;
}

// Body of a cell of raw samples: a Horner scheme down each column, the columns combined by a Horner scheme in
// a^size from the last one (a_size = a^size), which gives the sum of a^(l * size) * lane_l.
inline uint cell_body(__global const short* px, int cols, int r0, int r1, int c0, int c1, uint a_size) {
    uint body = 0;
    for (int c = c1 - 1; c >= c0; c--) {
        uint lane = 0;
        for (int r = r0; r < r1; r++) {
            lane = times_a(lane) ^ (uint) as_ushort(px[r * cols + c]);
        }
        body = gf_mul(body, a_size) ^ lane;
    }
    return body;
}

// The same over the 2x2 sums of sample values (profile PAPER), each taken mod 2^16; a_half = a^ceil(size / 2).
inline uint sum_body(__global const short* px, int cols, int is_signed, int r0, int r1, int c0, int c1,
        uint a_half) {
    uint body = 0;
    int last = c0 + (c1 - c0 - 1) / 2 * 2;
    for (int c = last; c >= c0; c -= 2) {
        uint lane = 0;
        for (int r = r0; r < r1; r += 2) {
            int sum = 0;
            for (int y = r; y < min(r + 2, r1); y++) {
                for (int x = c; x < min(c + 2, c1); x++) {
                    sum += sample_value(px[y * cols + x], is_signed);
                }
            }
            lane = times_a(lane) ^ ((uint) sum & 0xFFFFu);
        }
        body = gf_mul(body, a_half) ^ lane;
    }
    return body;
}

// Global (padded block count, slices).
__kernel void block_codes(__global const short* volume, int rows, int cols, int block_size, int blocks_across,
        int block_count, int sum_factor, int is_signed, uint a_size, uint a_half, __constant ushort* crc_table,
        __global int* codes) {
    int b = get_global_id(0);
    int s = get_global_id(1);
    if (b >= block_count) {
        return;
    }
    __global const short* px = volume + SLICE_BASE(s);
    int r0 = b / blocks_across * block_size;
    int c0 = b % blocks_across * block_size;
    int r1 = min(r0 + block_size, rows);
    int c1 = min(c0 + block_size, cols);
    uint seed = crc16_int(crc_table, 0xFFFF, (uint) b);
    uint body = sum_factor == 1 ? cell_body(px, cols, r0, r1, c0, c1, a_size)
            : sum_body(px, cols, is_signed, r0, r1, c0, c1, a_half);
    codes[(size_t) s * block_count + b] = (int) (seed ^ body);
}

// Global (padded cell count, 1). Advances each column cell's code over its body in every slice of the batch, in
// order (state = a^(size^2) * state + body; a_square = a^(size^2)): resumes across batches.
__kernel void column_codes(__global const short* volume, int slices, int rows, int cols, int cell_size,
        int cells_across, int cell_count, uint a_size, uint a_square, __global int* state) {
    int cell = get_global_id(0);
    if (cell >= cell_count) {
        return;
    }
    int r0 = cell / cells_across * cell_size;
    int c0 = cell % cells_across * cell_size;
    int r1 = min(r0 + cell_size, rows);
    int c1 = min(c0 + cell_size, cols);
    uint code = (uint) state[cell];
    for (int s = 0; s < slices; s++) {
        code = gf_mul(code, a_square) ^ cell_body(volume + SLICE_BASE(s), cols, r0, r1, c0, c1, a_size);
    }
    state[cell] = (int) code;
}

// The reference's RegionShifter.embed over one block with the bits of one word; returns the bits carried. With
// d = e - BLOCK_PEAK, d in [-t, t) carries (2d + b, or 2d + 1 - b below 0), the others move t away.
inline int embed_region(__global short* px, int cols, int is_signed, int r0, int r1, int c0, int c1, int parity,
        int t, ulong word, int offset, int limit) {
    int k = 0;
    if (limit <= 0) {
        return 0;
    }
    for (int r = r0; r < r1; r++) {
        for (int c = first_column(r, c0, parity); c < c1; c += 2) {
            int pred;
            if (!predict(px, cols, is_signed, r, c, r0, r1, c0, c1, &pred)) {
                continue;
            }
            int i = r * cols + c;
            int x = sample_value(px[i], is_signed);
            int d = x - pred - BLOCK_PEAK;
            int carrier = d >= -t && d < t;
            if (carrier && k == limit) {
                return k;
            }
            if (carrier) {
                int b = (int) ((word >> (offset + k++)) & 1);
                x += d >= 0 ? d + b : d + 1 - b;
            } else {
                x += d >= 0 ? t : -t;
            }
            px[i] = stored(x);
        }
    }
    return k;
}

// The reference's RegionShifter.extract over one block, setting bits of *word from offset on.
inline int extract_region(__global short* px, int cols, int is_signed, int r0, int r1, int c0, int c1, int parity,
        int t, ulong* word, int offset, int limit) {
    int k = 0;
    if (limit <= 0) {
        return 0;
    }
    for (int r = r0; r < r1; r++) {
        for (int c = first_column(r, c0, parity); c < c1; c += 2) {
            int pred;
            if (!predict(px, cols, is_signed, r, c, r0, r1, c0, c1, &pred)) {
                continue;
            }
            int i = r * cols + c;
            int x = sample_value(px[i], is_signed);
            int d = x - pred - BLOCK_PEAK;
            int carrier = d >= -2 * t && d < 2 * t;
            if (carrier && k == limit) {
                return k;
            }
            if (carrier) {
                // The floor of half the marked d is the original d; the low bit, flipped below 0, is the bit.
                int floor_half = d >= 0 ? d >> 1 : -((1 - d) >> 1);
                int b = d >= 0 ? (d & 1) : 1 - (d & 1);
                ulong m = 1UL << (offset + k++);
                *word = b ? *word | m : *word & ~m;
                x += floor_half - d;
            } else {
                x -= d >= 0 ? t : -t;
            }
            px[i] = stored(x);
        }
    }
    return k;
}

// Global (padded block count, slices). The first (bits_per_block + 1) / 2 bits go into pass 0, the rest into pass 1.
__kernel void embed_blocks(__global short* volume, int rows, int cols, int block_size, int blocks_across,
        int block_count, int bits_per_block, int threshold, int is_signed, __global const ulong* bits,
        __global int* carried) {
    int b = get_global_id(0);
    int s = get_global_id(1);
    if (b >= block_count) {
        return;
    }
    __global short* px = volume + SLICE_BASE(s);
    int r0 = b / blocks_across * block_size;
    int c0 = b % blocks_across * block_size;
    int r1 = min(r0 + block_size, rows);
    int c1 = min(c0 + block_size, cols);
    int first = (bits_per_block + 1) / 2;
    size_t at = (size_t) s * block_count + b;
    ulong word = bits[at];
    carried[2 * at] = embed_region(px, cols, is_signed, r0, r1, c0, c1, 0, threshold, word, 0, first);
    carried[2 * at + 1] = embed_region(px, cols, is_signed, r0, r1, c0, c1, 1, threshold, word, first,
            bits_per_block - first);
}

// Undoes embed_blocks: pass 1 was embedded last, so it comes off first.
__kernel void extract_blocks(__global short* volume, int rows, int cols, int block_size, int blocks_across,
        int block_count, int bits_per_block, int threshold, int is_signed, __global ulong* bits,
        __global int* carried) {
    int b = get_global_id(0);
    int s = get_global_id(1);
    if (b >= block_count) {
        return;
    }
    __global short* px = volume + SLICE_BASE(s);
    int r0 = b / blocks_across * block_size;
    int c0 = b % blocks_across * block_size;
    int r1 = min(r0 + block_size, rows);
    int c1 = min(c0 + block_size, cols);
    int first = (bits_per_block + 1) / 2;
    size_t at = (size_t) s * block_count + b;
    ulong word = 0;
    carried[2 * at + 1] = extract_region(px, cols, is_signed, r0, r1, c0, c1, 1, threshold, &word, first,
            bits_per_block - first);
    carried[2 * at] = extract_region(px, cols, is_signed, r0, r1, c0, c1, 0, threshold, &word, 0, first);
    bits[at] = word;
}
