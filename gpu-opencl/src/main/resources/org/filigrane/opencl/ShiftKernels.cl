// Layer R: one checkerboard pass over the region rows first_row[s] .. rows-1 of every slice of a batch.
// Defines: WG (work-group size, a power of two), HIST_MIN, HIST_BINS.
//
// The reference visits a pass in raster order and gives the k-th carrier bit k, stopping at the first carrier that
// would take bit `limit`. Carriers are decided by the input alone (a pass reads only the other parity), so the
// rank of a carrier is a prefix sum: count_carriers counts per row, scan_rows turns counts into row starts, and
// embed_rows / extract_rows rank carriers inside a row with a work-group scan. A pixel whose rank k (carriers
// before it) is below the limit is processed; a non-carrier with k == limit still is, because the reference stops
// only on reaching the next carrier.

#define SLICE_BASE(s) ((size_t) (s) * (size_t) rows * (size_t) cols)

inline int carries(int e, int peak, int t, int marked) {
    int d = e - peak;
    return marked ? (d >= -2 * t && d < 2 * t) : (d >= -t && d < t);
}

// Exclusive scan over the work-group; every item must call it (it holds barriers).
inline int exclusive_scan(__local int* scan, int v, int* total) {
    int lid = get_local_id(0);
    scan[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int d = 1; d < WG; d <<= 1) {
        int add = lid >= d ? scan[lid - d] : 0;
        barrier(CLK_LOCAL_MEM_FENCE);
        scan[lid] += add;
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    *total = scan[WG - 1];
    int inclusive = scan[lid];
    // The next tile overwrites scan[].
    barrier(CLK_LOCAL_MEM_FENCE);
    return inclusive - v;
}

// Global (groups * WG, slices), local (WG, 1). 32-bit local counts: a group sees far fewer than 2^32 pixels.
__kernel void histogram(__global const short* volume, int rows, int cols, __global const int* first_row,
        int parity, int is_signed, int groups, __global uint* partial) {
    __local uint bins[HIST_BINS];
    int lid = get_local_id(0);
    int g = get_group_id(0);
    int s = get_global_id(1);
    for (int b = lid; b < HIST_BINS; b += WG) {
        bins[b] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    __global const short* px = volume + SLICE_BASE(s);
    int r0 = first_row[s];
    for (int r = r0 + g; r < rows; r += groups) {
        for (int c = first_column(r, 0, parity) + 2 * lid; c < cols; c += 2 * WG) {
            int pred;
            if (predict(px, cols, is_signed, r, c, r0, rows, 0, cols, &pred)) {
                int bin = sample_value(px[r * cols + c], is_signed) - pred - HIST_MIN;
                if (bin >= 0 && bin < HIST_BINS) {
                    atomic_inc(&bins[bin]);
                }
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    __global uint* out = partial + ((size_t) s * groups + g) * HIST_BINS;
    for (int b = lid; b < HIST_BINS; b += WG) {
        out[b] = bins[b];
    }
}

// Global (HIST_BINS, slices); 64-bit totals as the engine counts.
__kernel void sum_histograms(__global const uint* partial, int groups, __global ulong* hist) {
    int b = get_global_id(0);
    int s = get_global_id(1);
    ulong sum = 0;
    for (int g = 0; g < groups; g++) {
        sum += partial[((size_t) s * groups + g) * HIST_BINS + b];
    }
    hist[(size_t) s * HIST_BINS + b] = sum;
}

// Global (rows * WG, slices), local (WG, 1): one group per row.
__kernel void count_carriers(__global const short* volume, int rows, int cols, __global const int* first_row,
        int parity, int peak, int threshold, int marked, int is_signed, __global int* counts) {
    __local int sums[WG];
    int lid = get_local_id(0);
    int r = get_group_id(0);
    int s = get_global_id(1);
    __global const short* px = volume + SLICE_BASE(s);
    int r0 = first_row[s];
    int n = 0;
    if (r >= r0) {
        for (int c = first_column(r, 0, parity) + 2 * lid; c < cols; c += 2 * WG) {
            int pred;
            if (predict(px, cols, is_signed, r, c, r0, rows, 0, cols, &pred)
                    && carries(sample_value(px[r * cols + c], is_signed) - pred, peak, threshold, marked)) {
                n++;
            }
        }
    }
    sums[lid] = n;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int d = WG / 2; d > 0; d >>= 1) {
        if (lid < d) {
            sums[lid] += sums[lid + d];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        counts[(size_t) s * rows + r] = sums[0];
    }
}

// Global (padded slices): in place, counts become row starts; a slice has fewer than 2^31 pixels.
__kernel void scan_rows(__global int* counts, int rows, int slices, __global int* totals) {
    int s = get_global_id(0);
    if (s >= slices) {
        return;
    }
    __global int* row = counts + (size_t) s * rows;
    int at = 0;
    for (int r = 0; r < rows; r++) {
        int n = row[r];
        row[r] = at;
        at += n;
    }
    totals[s] = at;
}

// Global (rows * WG, slices), local (WG, 1). bits holds stream words from word bit_word_base on.
__kernel void embed_rows(__global short* volume, int rows, int cols, __global const int* first_row, int parity,
        int peak, int threshold, int is_signed, __global const int* starts, __global const ulong* bits, long bit_word_base,
        __global const long* bit_offset, __global const int* limits) {
    __local int scan[WG];
    int r = get_group_id(0);
    int s = get_global_id(1);
    int limit = limits[s];
    int r0 = first_row[s];
    int k0 = starts[(size_t) s * rows + r];
    // Uniform over the group, so returning before the barriers is safe.
    if (limit <= 0 || r < r0 || k0 > limit) {
        return;
    }
    __global short* px = volume + SLICE_BASE(s);
    long offset = bit_offset[s];
    int fc = first_column(r, 0, parity);
    int n = fc < cols ? (cols - fc + 1) / 2 : 0;
    for (int t = 0; t < n; t += WG) {
        int c = fc + 2 * (t + (int) get_local_id(0));
        int has_pred = 0;
        int pred = 0;
        int x = 0;
        if (c < cols) {
            has_pred = predict(px, cols, is_signed, r, c, r0, rows, 0, cols, &pred);
            x = sample_value(px[r * cols + c], is_signed);
        }
        int e = x - pred;
        int carrier = has_pred && carries(e, peak, threshold, 0);
        int d = e - peak;
        int total;
        int k = k0 + exclusive_scan(scan, carrier, &total);
        if (carrier) {
            if (k < limit) {
                long at = offset + k;
                int b = (int) ((bits[(at >> 6) - bit_word_base] >> (at & 63)) & 1);
                // d becomes 2d + b (d >= 0) or 2d + 1 - b (d < 0).
                px[r * cols + c] = stored(d >= 0 ? x + d + b : x + d + 1 - b);
            }
        } else if (has_pred && k <= limit) {
            px[r * cols + c] = stored(d >= 0 ? x + threshold : x - threshold);
        }
        k0 += total;
        if (k0 > limit) {
            break;
        }
    }
}

// As embed_rows, undoing it; bit k of slice s goes to out[out_base[s] + k / 32], which the host zeroed.
__kernel void extract_rows(__global short* volume, int rows, int cols, __global const int* first_row, int parity,
        int peak, int threshold, int is_signed, __global const int* starts, __global uint* out, __global const int* out_base,
        __global const int* limits) {
    __local int scan[WG];
    int r = get_group_id(0);
    int s = get_global_id(1);
    int limit = limits[s];
    int r0 = first_row[s];
    int k0 = starts[(size_t) s * rows + r];
    if (limit <= 0 || r < r0 || k0 > limit) {
        return;
    }
    __global short* px = volume + SLICE_BASE(s);
    __global uint* words = out + out_base[s];
    int fc = first_column(r, 0, parity);
    int n = fc < cols ? (cols - fc + 1) / 2 : 0;
    for (int t = 0; t < n; t += WG) {
        int c = fc + 2 * (t + (int) get_local_id(0));
        int has_pred = 0;
        int pred = 0;
        int x = 0;
        if (c < cols) {
            has_pred = predict(px, cols, is_signed, r, c, r0, rows, 0, cols, &pred);
            x = sample_value(px[r * cols + c], is_signed);
        }
        int e = x - pred;
        int carrier = has_pred && carries(e, peak, threshold, 1);
        int d = e - peak;
        int total;
        int k = k0 + exclusive_scan(scan, carrier, &total);
        if (carrier) {
            if (k < limit) {
                // The floor of half the marked d is the original; the low bit, flipped below 0, is the bit.
                int floor_half = d >= 0 ? d >> 1 : -((1 - d) >> 1);
                int b = d >= 0 ? (d & 1) : 1 - (d & 1);
                if (b) {
                    atomic_or(&words[k >> 5], 1u << (k & 31));
                }
                px[r * cols + c] = stored(x + floor_half - d);
            }
        } else if (has_pred && k <= limit) {
            px[r * cols + c] = stored(d >= 0 ? x - threshold : x + threshold);
        }
        k0 += total;
        if (k0 > limit) {
            break;
        }
    }
}
