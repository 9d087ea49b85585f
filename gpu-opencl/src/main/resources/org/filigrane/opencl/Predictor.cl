// Shared by ShiftKernels.cl and BlockKernels.cl: a line-by-line port of the reference's Predictor, so that every
// backend predicts the same integers. Integer arithmetic only.

inline int sample_value(short s, int is_signed) {
    return is_signed ? (int) s : (int) as_ushort(s);
}

// as_short keeps the low 16 bits; a plain (short) cast of a value above 32767 is implementation-defined in C.
inline short stored(int x) {
    return as_short((ushort) x);
}

inline int first_column(int r, int c0, int parity) {
    return ((r + c0) & 1) == parity ? c0 : c0 + 1;
}

// Java's >> on a negative int is a floor; OpenCL C leaves >> of a negative value implementation-defined.
inline int floor_quarter(int sum) {
    return sum >= 0 ? sum >> 2 : -((3 - sum) >> 2);
}

// Returns 0 when the region is a single pixel (nothing to predict from), else 1 with the floored mean in *pred.
inline int predict(__global const short* px, int cols, int is_signed, int r, int c, int r0, int r1, int c0, int c1,
        int* pred) {
    int has_n = r - 1 >= r0;
    int has_s = r + 1 < r1;
    int has_w = c - 1 >= c0;
    int has_e = c + 1 < c1;
    int vertical = has_n || has_s;
    int horizontal = has_w || has_e;
    if (!vertical && !horizontal) {
        return 0;
    }
    int n = 0;
    int s = 0;
    int w = 0;
    int e = 0;
    if (vertical) {
        n = sample_value(px[(has_n ? r - 1 : r + 1) * cols + c], is_signed);
        s = sample_value(px[(has_s ? r + 1 : r - 1) * cols + c], is_signed);
    }
    if (horizontal) {
        w = sample_value(px[r * cols + (has_w ? c - 1 : c + 1)], is_signed);
        e = sample_value(px[r * cols + (has_e ? c + 1 : c - 1)], is_signed);
    }
    if (!vertical) {
        n = w;
        s = e;
    } else if (!horizontal) {
        w = n;
        e = s;
    }
    *pred = floor_quarter(n + s + w + e);
    return 1;
}
