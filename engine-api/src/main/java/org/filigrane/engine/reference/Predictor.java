package org.filigrane.engine.reference;

import org.filigrane.engine.PixelFormat;

/**
 * The checkerboard predictor of layers R and T: floor of the mean of the four 4-neighbours, each taken from inside
 * the region [r0, r1) x [c0, c1) and mirrored across the region's edge when it falls outside. A region one pixel
 * high borrows its horizontal pair for the vertical one (and vice versa); a 1x1 region predicts nothing.
 */
final class Predictor {
    static final int NONE = Integer.MIN_VALUE;

    private Predictor() {
    }

    static int predict(short[] px, int cols, PixelFormat f, int r, int c, int r0, int r1, int c0, int c1) {
        boolean hasN = r - 1 >= r0;
        boolean hasS = r + 1 < r1;
        boolean hasW = c - 1 >= c0;
        boolean hasE = c + 1 < c1;
        boolean vertical = hasN || hasS;
        boolean horizontal = hasW || hasE;
        if (!vertical && !horizontal) {
            return NONE;
        }
        int n = 0;
        int s = 0;
        int w = 0;
        int e = 0;
        if (vertical) {
            n = f.value(px[(hasN ? r - 1 : r + 1) * cols + c]);
            s = f.value(px[(hasS ? r + 1 : r - 1) * cols + c]);
        }
        if (horizontal) {
            w = f.value(px[r * cols + (hasW ? c - 1 : c + 1)]);
            e = f.value(px[r * cols + (hasE ? c + 1 : c - 1)]);
        }
        if (!vertical) {
            n = w;
            s = e;
        } else if (!horizontal) {
            w = n;
            e = s;
        }
        return (n + s + w + e) >> 2;
    }
}
